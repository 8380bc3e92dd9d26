package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The kinds these manifests are made of. Anything else is refused: a kind the checks below know nothing about
// would pass unexamined.
var deployedKinds = map[string]bool{
	"Namespace": true, "Secret": true, "PersistentVolumeClaim": true, "Service": true,
	"Deployment": true, "Job": true, "NetworkPolicy": true,
}

// Manifest is one decoded Kubernetes object and the file it came from.
type Manifest struct {
	File   string
	Object runtime.Object
	Kind   string
	Meta   metav1.Object
}

func (m Manifest) String() string {
	return fmt.Sprintf("%s: %s %s", m.File, m.Kind, m.Meta.GetName())
}

// strictDecoder decodes YAML or JSON into the typed structs of k8s.io/api the way the API server's strict field
// validation does: unknown and duplicate fields are errors, wrong types are errors, and the apiVersion/kind pair
// must be registered.
func strictDecoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, networkingv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
}

// LoadManifests decodes every YAML document of every *.yaml file in dir except the kustomization.
func LoadManifests(dir string) ([]Manifest, []string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, []string{fmt.Sprintf("%s: no manifests found", dir)}
	}
	sort.Strings(files)
	decoder := strictDecoder()
	var manifests []Manifest
	var problems []string
	for _, path := range files {
		if filepath.Base(path) == kustomizationFile {
			continue
		}
		docs, err := splitDocuments(path)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", filepath.Base(path), err))
			continue
		}
		for i, doc := range docs {
			m, err := decodeManifest(decoder, doc)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s (document %d): %v", filepath.Base(path), i+1, err))
				continue
			}
			m.File = filepath.Base(path)
			manifests = append(manifests, m)
		}
	}
	return manifests, problems
}

func decodeManifest(decoder runtime.Decoder, doc []byte) (Manifest, error) {
	obj, gvk, err := decoder.Decode(doc, nil, nil)
	if err != nil {
		// the strict decoder returns the object along with a strict-decoding error: the error is what counts
		return Manifest{}, err
	}
	if !deployedKinds[gvk.Kind] {
		return Manifest{}, fmt.Errorf("kind %s (%s) is not one these manifests are made of; teach the validator "+
			"its checks before adding it", gvk.Kind, gvk.GroupVersion())
	}
	meta, ok := obj.(metav1.Object)
	if !ok {
		return Manifest{}, fmt.Errorf("%s has no object metadata", gvk.Kind)
	}
	if meta.GetName() == "" {
		return Manifest{}, fmt.Errorf("%s has no metadata.name", gvk.Kind)
	}
	return Manifest{Object: obj, Kind: gvk.Kind, Meta: meta}, nil
}

// splitDocuments returns the non-empty YAML documents of a file (a document of comments only is skipped).
func splitDocuments(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if hasContent(doc) {
			docs = append(docs, doc)
		}
	}
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line != "---" && !strings.HasPrefix(line, "#") {
			return true
		}
	}
	return false
}
