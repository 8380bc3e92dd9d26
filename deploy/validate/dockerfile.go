package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

// Image is what a Dockerfile promises the manifests: the name it is built under (its header comment's
// `docker build ... -t NAME`) and its exec-form ENTRYPOINT, which a container's args are appended to.
type Image struct {
	Dockerfile string
	Name       string
	Entrypoint []string
}

var (
	buildTag   = regexp.MustCompile(`(?m)^#\s+docker build .*-t (\S+)`)
	entrypoint = regexp.MustCompile(`(?m)^ENTRYPOINT (\[.*\])$`)
)

func ReadImage(path string) (Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Image{}, err
	}
	tag := buildTag.FindSubmatch(data)
	if tag == nil {
		return Image{}, fmt.Errorf("%s: no `docker build ... -t NAME` line in its header comment", path)
	}
	entry := entrypoint.FindSubmatch(data)
	if entry == nil {
		return Image{}, fmt.Errorf("%s: no exec-form ENTRYPOINT", path)
	}
	var argv []string
	if err := json.Unmarshal(entry[1], &argv); err != nil {
		return Image{}, fmt.Errorf("%s: ENTRYPOINT is not a JSON array of strings: %v", path, err)
	}
	return Image{Dockerfile: path, Name: string(tag[1]), Entrypoint: argv}, nil
}
