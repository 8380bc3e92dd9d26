package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

// CheckCompose loads a compose file with compose-go (the loader `docker compose` itself uses), every profile
// enabled, so the Compose Specification's schema checks every service; then checks that the images it builds
// are the two Dockerfiles of docker/ under the names the manifests use.
func CheckCompose(file string, images []Image) []string {
	options, err := cli.NewProjectOptions([]string{file}, cli.WithName("thought-anchors"),
		cli.WithProfiles([]string{"*"}), cli.WithEnv([]string{}))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	byDockerfile := map[string]Image{}
	for _, image := range images {
		abs, _ := filepath.Abs(image.Dockerfile)
		byDockerfile[abs] = image
	}
	var problems []string
	for name, service := range project.Services {
		if service.Build == nil {
			problems = append(problems, fmt.Sprintf("%s: service %s builds no image of docker/", file, name))
			continue
		}
		dockerfile := service.Build.Dockerfile
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(service.Build.Context, dockerfile)
		}
		if _, err := os.Stat(dockerfile); err != nil {
			problems = append(problems, fmt.Sprintf("%s: service %s: %v", file, name, err))
			continue
		}
		image, known := byDockerfile[dockerfile]
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("%s: service %s builds %s, which is neither image", file, name, dockerfile))
		case imageName(service.Image) != image.Name:
			problems = append(problems, fmt.Sprintf("%s: service %s tags its image %q; %s is built as %s",
				file, name, service.Image, filepath.Base(dockerfile), image.Name))
		}
	}
	return problems
}
