package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const (
	kustomizationFile = "kustomization.yaml"
	// Placeholders for credentials: validated with the rest, never applied by the kustomization, so that
	// reapplying it cannot replace real Secrets with empty ones.
	secretsExampleFile = "secrets.example.yaml"
)

// CheckKustomization decodes kustomization.yaml strictly, builds it with kustomize's own library (what
// `kubectl apply -k` runs) and checks that it applies exactly the manifests of the folder but the Secrets.
func CheckKustomization(dir string, manifests []Manifest) []string {
	path := filepath.Join(dir, kustomizationFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", kustomizationFile, err)}
	}
	var k types.Kustomization
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		return []string{fmt.Sprintf("%s: %v", kustomizationFile, err)}
	}
	var problems []string
	if k.Kind != types.KustomizationKind || k.APIVersion != types.KustomizationVersion {
		problems = append(problems, fmt.Sprintf("%s: want %s/%s, got %s/%s", kustomizationFile,
			types.KustomizationVersion, types.KustomizationKind, k.APIVersion, k.Kind))
	}
	listed := map[string]bool{}
	for _, r := range k.Resources {
		listed[r] = true
	}
	if listed[secretsExampleFile] {
		problems = append(problems, fmt.Sprintf("%s lists %s: reapplying would overwrite the real Secrets with "+
			"placeholders", kustomizationFile, secretsExampleFile))
	}
	want := map[string]bool{}
	for _, m := range manifests {
		if m.File != secretsExampleFile {
			want[m.File] = true
		}
	}
	for file := range want {
		if !listed[file] {
			problems = append(problems, fmt.Sprintf("%s does not list %s", kustomizationFile, file))
		}
	}
	for file := range listed {
		if !want[file] && file != secretsExampleFile {
			problems = append(problems, fmt.Sprintf("%s lists %s, which is no manifest of %s", kustomizationFile, file, dir))
		}
	}

	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return append(problems, fmt.Sprintf("kustomize build %s: %v", dir, err))
	}
	var built, expected []string
	for _, r := range resources.Resources() {
		built = append(built, r.GetKind()+" "+r.GetNamespace()+"/"+r.GetName())
	}
	for _, m := range manifests {
		if want[m.File] {
			expected = append(expected, m.Kind+" "+m.Meta.GetNamespace()+"/"+m.Meta.GetName())
		}
	}
	sort.Strings(built)
	sort.Strings(expected)
	if strings.Join(built, ", ") != strings.Join(expected, ", ") {
		problems = append(problems, fmt.Sprintf("kustomize build %s gives [%s], the listed files hold [%s]",
			dir, strings.Join(built, ", "), strings.Join(expected, ", ")))
	}
	return problems
}
