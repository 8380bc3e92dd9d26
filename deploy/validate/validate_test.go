package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoCopy copies what the validator reads (deploy/k8s, docker/, the CLI's command sources) into a temporary
// repository, so each case can break one thing in the real files.
func repoCopy(t *testing.T) Layout {
	t.Helper()
	real := Layout{filepath.Join("..", "..")}
	tmp := Layout{t.TempDir()}
	for from, to := range map[string]string{real.k8s(): tmp.k8s(), filepath.Join(real.Root, "docker"): filepath.Join(tmp.Root, "docker"),
		real.cliSources(): tmp.cliSources()} {
		if err := os.CopyFS(to, os.DirFS(from)); err != nil {
			t.Fatal(err)
		}
	}
	return tmp
}

// edit replaces the first occurrence of old, which must be there: a case whose text vanished must not pass.
func edit(t *testing.T, file, old, replacement string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s no longer contains %q: update the case", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, replacement, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRepositoryDeploymentFilesAreValid(t *testing.T) {
	problems, checked := Validate(Layout{filepath.Join("..", "..")})
	for _, p := range problems {
		t.Error(p)
	}
	for _, want := range []string{"Deployment ta-worker", "Service ta-worker", "Job ta-receivers", "Secret ta-worker-tls",
		"Secret ta-worker-token", "NetworkPolicy ta-worker-clients", "compose.yaml"} {
		if !strings.Contains(strings.Join(checked, "\n"), want) {
			t.Errorf("%s was not checked (checked: %v)", want, checked)
		}
	}
}

func TestBrokenFilesAreRejected(t *testing.T) {
	const (
		deployment = "deploy/k8s/worker-deployment.yaml"
		service    = "deploy/k8s/worker-service.yaml"
		job        = "deploy/k8s/ta-job.yaml"
		secrets    = "deploy/k8s/secrets.example.yaml"
		policy     = "deploy/k8s/worker-networkpolicy.yaml"
		kustomize  = "deploy/k8s/kustomization.yaml"
		compose    = "docker/compose.yaml"
	)
	cases := []struct {
		name, file, old, new, want string
	}{
		{"unknown field", deployment, "          imagePullPolicy: IfNotPresent\n",
			"          imagePullPolicy: IfNotPresent\n          gpus: 1\n", `unknown field "spec.template.spec.containers[0].gpus"`},
		{"wrong type", deployment, "replicas: 2", "replicas: two", "cannot unmarshal"},
		{"duplicate field", deployment, "  replicas: 2\n", "  replicas: 2\n  replicas: 3\n", `key "replicas" already set`},
		{"unknown kind", service, "kind: Service", "kind: Servise", `no kind "Servise" is registered`},
		{"kind the checks do not know", "deploy/k8s/storage.yaml", "      storage: 20Gi\n",
			"      storage: 20Gi\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: thought-anchors}\n",
			"kind ConfigMap (v1) is not one"},
		{"Job targets a port the Service lacks", job, "svc.cluster.local:50051", "svc.cluster.local:50052",
			"Service ta-worker has no port 50052"},
		{"Job targets a Service that does not exist", job, "dns:///ta-worker.", "dns:///ta-workers.",
			"no Service ta-workers in namespace thought-anchors"},
		{"Job target without the DNS resolver", job, "dns:///ta-worker.thought-anchors.svc.cluster.local:50051",
			"ta-worker.thought-anchors.svc.cluster.local:50051", "is not a dns:/// target"},
		{"Service is not headless", service, "  clusterIP: None\n", "", "is not headless"},
		{"Service targets an undeclared port", service, "targetPort: grpc", "targetPort: grcp", "targets grcp"},
		{"probe on the wrong port", deployment, "          startupProbe:\n            grpc:\n              port: 8081",
			"          startupProbe:\n            grpc:\n              port: 50051", "startupProbe probes port 50051"},
		{"probe that is not gRPC", deployment, "          livenessProbe:\n            grpc:\n              port: 8081",
			"          livenessProbe:\n            tcpSocket:\n              port: 8081", "livenessProbe is not a gRPC probe"},
		{"image serves on another port", "docker/worker.Dockerfile", `"--port", "50051"`, `"--port", "50052"`,
			`containerPort "grpc" must be 50052`},
		{"worker without TLS key", deployment, "            - --tls-key\n            - /etc/ta/tls/tls.key\n", "",
			"has no --tls-key"},
		{"TLS file from a missing Secret key", deployment, "                path: tls.key\n", "                path: key.pem\n",
			"volume tls mounts no item at tls.key"},
		{"Secret that does not exist", job, "                  name: ta-worker-token", "                  name: ta-token",
			"env TA_WORKER_TOKEN: Secret ta-token is not defined"},
		{"token from another key than the worker reads", job, "                  key: token", "                  key: ca.crt",
			"Secret ta-worker-token has no key ca.crt"},
		{"a committed secret value", secrets, `token: ""`, `token: "hunter2"`, "stringData.token holds a value"},
		{"token as a literal", job, "            - name: TA_WORKER_TOKEN\n              valueFrom:\n                secretKeyRef:\n" +
			"                  name: ta-worker-token\n                  key: token\n",
			"            - name: TA_WORKER_TOKEN\n              value: hunter2\n", "env TA_WORKER_TOKEN is a literal value"},
		{"another model than the worker serves", job, "            - deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
			"            - deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "but Deployment ta-worker serves deepseek-ai/DeepSeek-R1-Distill-Qwen-14B"},
		{"no GPU", deployment, "              nvidia.com/gpu: \"1\"              # extended", "              # extended",
			"requests no GPU"},
		{"root allowed", deployment, "            allowPrivilegeEscalation: false\n", "", "allows privilege escalation"},
		{"Job image is not the analytics image", job, "image: thought-anchors-ta:latest", "image: ta:latest",
			"image ta:latest is not the analytics image thought-anchors-ta"},
		{"unknown ta command", job, "            - receivers\n", "            - receiver\n", "args must start with a ta command"},
		{"NetworkPolicy shuts the Job out", job, `thought-anchors/worker-client: "true"`, `thought-anchors/worker-client: "no"`,
			"NetworkPolicy ta-worker-clients does not let this Job's pods reach the worker's port 50051"},
		{"PVC that does not exist", job, "claimName: ta-results", "claimName: results",
			"PersistentVolumeClaim results is not defined"},
		{"kustomization applies the placeholders", kustomize, "  - namespace.yaml\n", "  - namespace.yaml\n  - secrets.example.yaml\n",
			"reapplying would overwrite the real Secrets"},
		{"kustomization misses a file", kustomize, "  - ta-job.yaml\n", "", "does not list ta-job.yaml"},
		{"kustomization unknown field", kustomize, "resources:", "resource:", `unknown field "resource"`},
		{"compose unknown key", compose, "    image: thought-anchors-ta\n", "    image: thought-anchors-ta\n    publish: true\n",
			"services.ta.publish false schema"},
		{"compose wrong type", compose, `ports: ["127.0.0.1:50051:50051"]`, `ports: {"host": 50051}`, "ports"},
		{"compose image name", compose, "    image: thought-anchors-worker\n    command", "    image: worker\n    command",
			"service worker tags its image \"worker\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			layout := repoCopy(t)
			edit(t, filepath.Join(layout.Root, tc.file), tc.old, tc.new)
			problems, _ := Validate(layout)
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; got %d:\n%s", tc.want, len(problems), strings.Join(problems, "\n"))
		})
	}
}
