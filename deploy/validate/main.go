// Command validate checks the deployment files against the real Kubernetes API types and the Compose
// Specification, and checks that they agree with each other and with the images they run:
//
//	go run . [-repo DIR]   (from deploy/validate; make test-deploy runs it)
//
// Every problem is printed on its own line; the exit status is 1 when there is any.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// Layout names the files of the repository the checks read.
type Layout struct {
	Root string
}

func (l Layout) k8s() string            { return filepath.Join(l.Root, "deploy", "k8s") }
func (l Layout) compose() string        { return filepath.Join(l.Root, "docker", "compose.yaml") }
func (l Layout) docker(f string) string { return filepath.Join(l.Root, "docker", f) }
func (l Layout) cliSources() string {
	return filepath.Join(l.Root, "java-analytics", "cli", "src", "main", "java", "io", "thoughtanchors", "cli")
}

var subcommand = regexp.MustCompile(`@Command\(name = "([a-z-]+)"`)

// taCommands reads the subcommand names from the CLI's sources (every *Command.java declares one).
func taCommands(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*Command.java"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no *Command.java in %s", dir)
	}
	commands := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if m := subcommand.FindSubmatch(data); m != nil {
			commands[string(m[1])] = true
		}
	}
	return commands, nil
}

// Validate runs every check over the repository and returns the problems, and what it checked.
func Validate(layout Layout) (problems []string, checked []string) {
	worker, err := ReadImage(layout.docker("worker.Dockerfile"))
	if err != nil {
		return []string{err.Error()}, nil
	}
	analytics, err := ReadImage(layout.docker("analytics.Dockerfile"))
	if err != nil {
		return []string{err.Error()}, nil
	}
	commands, err := taCommands(layout.cliSources())
	if err != nil {
		return []string{err.Error()}, nil
	}
	manifests, problems := LoadManifests(layout.k8s())
	for _, m := range manifests {
		checked = append(checked, m.String())
	}
	if len(problems) == 0 {
		problems = append(problems, CheckCluster(Project{worker, analytics, commands}, manifests)...)
		problems = append(problems, CheckKustomization(layout.k8s(), manifests)...)
	}
	problems = append(problems, CheckCompose(layout.compose(), []Image{worker, analytics})...)
	checked = append(checked, filepath.Join("deploy", "k8s", kustomizationFile), filepath.Join("docker", "compose.yaml"))
	sort.Strings(problems)
	return problems, checked
}

func main() {
	root := flag.String("repo", filepath.Join("..", ".."), "repository root")
	flag.Parse()
	abs, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	problems, checked := Validate(Layout{abs})
	for _, c := range checked {
		fmt.Println("checked", c)
	}
	for _, p := range problems {
		fmt.Println("PROBLEM", p)
	}
	if len(problems) > 0 {
		fmt.Printf("%d deployment problem(s)\n", len(problems))
		os.Exit(1)
	}
	fmt.Println("deployment files valid: Kubernetes API types (k8s.io/api), kustomize build, Compose Specification")
}
