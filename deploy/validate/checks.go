package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	gpuResource   = corev1.ResourceName("nvidia.com/gpu")
	tokenEnv      = "TA_WORKER_TOKEN"
	clusterDomain = "svc.cluster.local"
)

// Project is what the manifests must agree with: the two images and the ta subcommands the CLI defines.
type Project struct {
	Worker, Analytics Image
	TaCommands        map[string]bool
}

// Cluster indexes the decoded manifests for the cross-reference checks.
type Cluster struct {
	project     Project
	manifests   []Manifest
	namespaces  map[string]bool
	secrets     map[string]*corev1.Secret
	claims      map[string]*corev1.PersistentVolumeClaim
	services    []*corev1.Service
	deployments []*appsv1.Deployment
	jobs        []*batchv1.Job
	policies    []*networkingv1.NetworkPolicy
	problems    []string
}

// worker is one container of a Deployment that runs the worker image, with its effective command line.
type worker struct {
	deployment *appsv1.Deployment
	container  *corev1.Container
	argv       []string
}

func key(namespace, name string) string { return namespace + "/" + name }

func (c *Cluster) fail(where string, format string, args ...any) {
	c.problems = append(c.problems, where+": "+fmt.Sprintf(format, args...))
}

// CheckCluster runs every cross-reference check and returns the problems found.
func CheckCluster(project Project, manifests []Manifest) []string {
	c := &Cluster{project: project, manifests: manifests, namespaces: map[string]bool{},
		secrets: map[string]*corev1.Secret{}, claims: map[string]*corev1.PersistentVolumeClaim{}}
	c.index()
	for _, s := range c.secrets {
		c.checkPlaceholder(s)
	}
	workers := c.workers()
	if len(workers) == 0 {
		c.fail("manifests", "no Deployment runs the worker image %s (%s)", project.Worker.Name, project.Worker.Dockerfile)
	}
	for _, w := range workers {
		c.checkWorker(w)
	}
	for _, s := range c.services {
		c.checkService(s)
	}
	if len(c.jobs) == 0 {
		c.fail("manifests", "no Job runs ta (image %s)", project.Analytics.Name)
	}
	for _, j := range c.jobs {
		c.checkJob(j, workers)
	}
	for _, d := range c.deployments {
		c.checkPod("Deployment "+d.Name, d.Namespace, &d.Spec.Template.Spec)
		c.checkSelector("Deployment "+d.Name, d.Spec.Selector, d.Spec.Template.Labels)
	}
	for _, j := range c.jobs {
		c.checkPod("Job "+j.Name, j.Namespace, &j.Spec.Template.Spec)
	}
	return c.problems
}

func (c *Cluster) index() {
	seen := map[string]string{}
	for _, m := range c.manifests {
		id := m.Kind + " " + key(m.Meta.GetNamespace(), m.Meta.GetName())
		if other, dup := seen[id]; dup {
			c.fail(m.File, "%s is also defined in %s", id, other)
		}
		seen[id] = m.File
		if ns, ok := m.Object.(*corev1.Namespace); ok {
			c.namespaces[ns.Name] = true
		}
	}
	for _, m := range c.manifests {
		ns := m.Meta.GetNamespace()
		if m.Kind != "Namespace" && !c.namespaces[ns] {
			c.fail(m.String(), "namespace %q is not one the manifests create (set metadata.namespace)", ns)
		}
		switch o := m.Object.(type) {
		case *corev1.Secret:
			c.secrets[key(ns, o.Name)] = o
		case *corev1.PersistentVolumeClaim:
			c.claims[key(ns, o.Name)] = o
		case *corev1.Service:
			c.services = append(c.services, o)
		case *appsv1.Deployment:
			c.deployments = append(c.deployments, o)
		case *batchv1.Job:
			c.jobs = append(c.jobs, o)
		case *networkingv1.NetworkPolicy:
			c.policies = append(c.policies, o)
		}
	}
}

// checkPlaceholder: nothing secret is committed, so every value of a committed Secret is empty.
func (c *Cluster) checkPlaceholder(s *corev1.Secret) {
	for k, v := range s.StringData {
		if v != "" {
			c.fail("Secret "+s.Name, "stringData.%s holds a value: committed Secrets are empty placeholders", k)
		}
	}
	for k, v := range s.Data {
		if len(v) != 0 {
			c.fail("Secret "+s.Name, "data.%s holds a value: committed Secrets are empty placeholders", k)
		}
	}
}

func imageName(ref string) string {
	name := ref
	if at := strings.Index(name, "@"); at >= 0 {
		name = name[:at]
	}
	if colon := strings.LastIndex(name, ":"); colon > strings.LastIndex(name, "/") {
		name = name[:colon]
	}
	return path.Base(name)
}

func (c *Cluster) workers() []worker {
	var found []worker
	for _, d := range c.deployments {
		for i := range d.Spec.Template.Spec.Containers {
			ctr := &d.Spec.Template.Spec.Containers[i]
			if imageName(ctr.Image) == c.project.Worker.Name {
				found = append(found, worker{d, ctr, append(append([]string{}, c.project.Worker.Entrypoint...),
					c.expand("Deployment "+d.Name, ctr)...)})
			}
		}
	}
	return found
}

var envReference = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand substitutes $(VAR) in a container's args from its literal env values, as the kubelet does.
func (c *Cluster) expand(where string, ctr *corev1.Container) []string {
	env := map[string]string{}
	for _, e := range ctr.Env {
		if e.ValueFrom == nil {
			env[e.Name] = e.Value
		}
	}
	args := make([]string, len(ctr.Args))
	for i, a := range ctr.Args {
		args[i] = envReference.ReplaceAllStringFunc(a, func(ref string) string {
			name := ref[2 : len(ref)-1]
			if v, ok := env[name]; ok {
				return v
			}
			c.fail(where, "argument %q refers to $(%s), which the container's env does not set", a, name)
			return ref
		})
	}
	return args
}

// flagValue returns the last value given to --name (as `--name V` or `--name=V`): the one argparse and picocli keep.
func flagValue(argv []string, name string) (string, bool) {
	value, found := "", false
	for i, a := range argv {
		if a == name && i+1 < len(argv) {
			value, found = argv[i+1], true
		} else if strings.HasPrefix(a, name+"=") {
			value, found = strings.TrimPrefix(a, name+"="), true
		}
	}
	return value, found
}

func hasFlag(argv []string, name string) bool {
	for _, a := range argv {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func containerPort(ctr *corev1.Container, port intstr.IntOrString) (int32, bool) {
	for _, p := range ctr.Ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return p.ContainerPort, true
		}
	}
	return 0, false
}

func (w worker) port() int32 {
	p, _ := flagValue(w.argv, "--port")
	n, _ := strconv.Atoi(p)
	return int32(n)
}

// healthPort is where the worker answers grpc.health.v1 in plaintext: --health-port, else its serving port.
func (w worker) healthPort() int32 {
	if p, ok := flagValue(w.argv, "--health-port"); ok {
		n, _ := strconv.Atoi(p)
		return int32(n)
	}
	return w.port()
}

func (w worker) secured() bool { return !hasFlag(w.argv, "--insecure") }

func (c *Cluster) checkWorker(w worker) {
	where := fmt.Sprintf("Deployment %s container %s", w.deployment.Name, w.container.Name)
	ctr := w.container
	if len(ctr.Command) > 0 {
		c.fail(where, "sets command, which replaces the image's ENTRYPOINT %v; give args only", c.project.Worker.Entrypoint)
	}
	if w.port() == 0 {
		c.fail(where, "the worker's command line %v has no --port", w.argv)
	} else if p, ok := containerPort(ctr, intstr.FromString("grpc")); !ok || p != w.port() {
		c.fail(where, "containerPort \"grpc\" must be %d, the --port the worker serves on (got %d)", w.port(), p)
	}
	if _, ok := containerPort(ctr, intstr.FromInt32(w.healthPort())); !ok {
		c.fail(where, "health port %d (--health-port) is no containerPort", w.healthPort())
	}
	for name, probe := range map[string]*corev1.Probe{
		"startupProbe": ctr.StartupProbe, "readinessProbe": ctr.ReadinessProbe, "livenessProbe": ctr.LivenessProbe} {
		switch {
		case probe == nil:
			c.fail(where, "has no %s", name)
		case probe.GRPC == nil:
			c.fail(where, "%s is not a gRPC probe (the worker serves grpc.health.v1)", name)
		case probe.GRPC.Port != w.healthPort():
			c.fail(where, "%s probes port %d; the worker answers health checks on %d", name, probe.GRPC.Port, w.healthPort())
		}
	}

	gpus := ctr.Resources.Limits[gpuResource]
	if gpus.Value() < 1 {
		c.fail(where, "requests no GPU: set resources.limits[%s]", gpuResource)
	}
	if req, ok := ctr.Resources.Requests[gpuResource]; ok && req.Cmp(gpus) != 0 {
		c.fail(where, "GPU request %s differs from its limit %s", req.String(), gpus.String())
	}
	if device, _ := flagValue(w.argv, "--device"); !strings.HasPrefix(device, "cuda") {
		c.fail(where, "holds a GPU but runs the model on --device %q", device)
	}
	if gpus.Value() > 1 && !hasFlag(w.argv, "--device-map") {
		c.fail(where, "holds %d GPUs but has no --device-map to spread the model over them", gpus.Value())
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := ctr.Resources.Requests[r]; !ok {
			c.fail(where, "has no resources.requests.%s", r)
		}
	}
	if _, ok := ctr.Resources.Limits[corev1.ResourceMemory]; !ok {
		c.fail(where, "has no resources.limits.memory")
	}

	// The image binds 0.0.0.0: without TLS and a token the worker refuses to start (unless --insecure).
	if w.secured() {
		for _, f := range []string{"--tls-cert", "--tls-key", "--token-file"} {
			if !hasFlag(w.argv, f) {
				c.fail(where, "serves on all interfaces but has no %s (TLS and a token are required; see docs/operations.md)", f)
			}
		}
	}
	for _, f := range []string{"--tls-cert", "--tls-key", "--token-file", "--tls-client-ca"} {
		if file, ok := flagValue(w.argv, f); ok {
			c.secretFile(where, w.deployment.Namespace, &w.deployment.Spec.Template.Spec, ctr, f, file)
		}
	}
	if age, ok := flagValue(w.argv, "--max-connection-age"); !ok {
		c.fail(where, "has no --max-connection-age: round_robin clients would never see pods added after they connected")
	} else if n, err := strconv.Atoi(age); err != nil || n <= 0 {
		c.fail(where, "--max-connection-age %q is not a positive number of seconds", age)
	}
}

// secretFile checks that a file a flag names is mounted from a Secret that exists and has that key,
// and returns the Secret's name and key.
func (c *Cluster) secretFile(where, namespace string, pod *corev1.PodSpec, ctr *corev1.Container, flagName, file string) (string, string) {
	var mount *corev1.VolumeMount // the deepest mount holding the file, as in the container's file system
	for i, m := range ctr.VolumeMounts {
		dir := strings.TrimSuffix(m.MountPath, "/")
		if strings.HasPrefix(file, dir+"/") && (mount == nil || len(dir) > len(strings.TrimSuffix(mount.MountPath, "/"))) {
			mount = &ctr.VolumeMounts[i]
		}
	}
	if mount == nil {
		c.fail(where, "%s %s is under no volume mount of the container", flagName, file)
		return "", ""
	}
	dir := strings.TrimSuffix(mount.MountPath, "/")
	rel := strings.TrimPrefix(file, dir+"/")
	volume := podVolume(pod, mount.Name)
	if volume == nil || volume.Secret == nil {
		c.fail(where, "%s %s is not in a Secret volume", flagName, file)
		return "", ""
	}
	secretKey := rel
	if len(volume.Secret.Items) > 0 {
		secretKey = ""
		for _, item := range volume.Secret.Items {
			if item.Path == rel {
				secretKey = item.Key
			}
		}
		if secretKey == "" {
			c.fail(where, "%s %s: volume %s mounts no item at %s", flagName, file, volume.Name, rel)
			return "", ""
		}
	}
	secret := c.secrets[key(namespace, volume.Secret.SecretName)]
	if secret == nil {
		c.fail(where, "%s %s: Secret %s is not defined (secrets.example.yaml lists the Secrets)",
			flagName, file, volume.Secret.SecretName)
		return "", ""
	}
	if !secretHasKey(secret, secretKey) {
		c.fail(where, "%s %s: Secret %s has no key %s", flagName, file, secret.Name, secretKey)
	}
	return secret.Name, secretKey
}

func podVolume(pod *corev1.PodSpec, name string) *corev1.Volume {
	for i := range pod.Volumes {
		if pod.Volumes[i].Name == name {
			return &pod.Volumes[i]
		}
	}
	return nil
}

func secretHasKey(s *corev1.Secret, k string) bool {
	_, inData := s.Data[k]
	_, inString := s.StringData[k]
	return inData || inString
}

// checkPod: volumes and env refer to objects that exist; containers run unprivileged.
func (c *Cluster) checkPod(where, namespace string, pod *corev1.PodSpec) {
	for _, v := range pod.Volumes {
		switch {
		case v.Secret != nil:
			s := c.secrets[key(namespace, v.Secret.SecretName)]
			if s == nil {
				c.fail(where, "volume %s: Secret %s is not defined", v.Name, v.Secret.SecretName)
				continue
			}
			for _, item := range v.Secret.Items {
				if !secretHasKey(s, item.Key) {
					c.fail(where, "volume %s: Secret %s has no key %s", v.Name, s.Name, item.Key)
				}
			}
		case v.PersistentVolumeClaim != nil:
			if c.claims[key(namespace, v.PersistentVolumeClaim.ClaimName)] == nil {
				c.fail(where, "volume %s: PersistentVolumeClaim %s is not defined", v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}
	nonRoot := pod.SecurityContext != nil && pod.SecurityContext.RunAsNonRoot != nil && *pod.SecurityContext.RunAsNonRoot
	for _, ctr := range pod.Containers {
		at := where + " container " + ctr.Name
		for _, m := range ctr.VolumeMounts {
			if podVolume(pod, m.Name) == nil {
				c.fail(at, "mounts volume %s, which the pod does not define", m.Name)
			}
		}
		for _, e := range ctr.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				ref := e.ValueFrom.SecretKeyRef
				if s := c.secrets[key(namespace, ref.Name)]; s == nil {
					c.fail(at, "env %s: Secret %s is not defined", e.Name, ref.Name)
				} else if !secretHasKey(s, ref.Key) {
					c.fail(at, "env %s: Secret %s has no key %s", e.Name, ref.Name, ref.Key)
				}
			}
			if strings.Contains(strings.ToUpper(e.Name), "TOKEN") && e.ValueFrom == nil {
				c.fail(at, "env %s is a literal value: tokens come from a Secret (valueFrom.secretKeyRef)", e.Name)
			}
		}
		sc := ctr.SecurityContext
		if !nonRoot && (sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot) {
			c.fail(at, "may run as root: set securityContext.runAsNonRoot")
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			c.fail(at, "allows privilege escalation: set securityContext.allowPrivilegeEscalation: false")
		}
	}
}

func (c *Cluster) checkSelector(where string, selector *metav1.LabelSelector, podLabels map[string]string) {
	if !selects(selector, podLabels) {
		c.fail(where, "selector %v does not match its pod template's labels %v", selector, podLabels)
	}
}

// selects: a workload's selector must name labels (an empty one is an error there).
func selects(selector *metav1.LabelSelector, podLabels map[string]string) bool {
	if selector == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(selector)
	return err == nil && !s.Empty() && s.Matches(labels.Set(podLabels))
}

// policySelects: in a NetworkPolicy an empty selector means every pod of the namespace.
func policySelects(selector *metav1.LabelSelector, podLabels map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(selector)
	return err == nil && s.Matches(labels.Set(podLabels))
}

// backends: the Deployments whose pods a Service selects.
func (c *Cluster) backends(s *corev1.Service) []*appsv1.Deployment {
	var found []*appsv1.Deployment
	for _, d := range c.deployments {
		if d.Namespace == s.Namespace && len(s.Spec.Selector) > 0 &&
			labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
			found = append(found, d)
		}
	}
	return found
}

// targetPort resolves a Service port to the port number of the selected container, if one declares it.
func targetPort(d *appsv1.Deployment, sp corev1.ServicePort) (int32, bool) {
	target := sp.TargetPort
	if target.Type == intstr.Int && target.IntVal == 0 {
		target = intstr.FromInt32(sp.Port)
	}
	for i := range d.Spec.Template.Spec.Containers {
		if p, ok := containerPort(&d.Spec.Template.Spec.Containers[i], target); ok {
			return p, true
		}
	}
	return 0, false
}

func (c *Cluster) checkService(s *corev1.Service) {
	where := "Service " + s.Name
	backends := c.backends(s)
	if len(backends) == 0 {
		c.fail(where, "selector %v matches no Deployment's pods", s.Spec.Selector)
	}
	for _, d := range backends {
		for _, sp := range s.Spec.Ports {
			if _, ok := targetPort(d, sp); !ok {
				c.fail(where, "port %s targets %s, which no container of Deployment %s declares", sp.Name, sp.TargetPort.String(), d.Name)
			}
		}
	}
}

// resolveTarget maps a `dns:///<service>[.<namespace>[.svc[.cluster.local]]]:<port>` target to its Service port.
func (c *Cluster) resolveTarget(where, namespace, target string) (*corev1.Service, *corev1.ServicePort) {
	hostPort, ok := strings.CutPrefix(target, "dns:///")
	if !ok {
		c.fail(where, "--worker %s is not a dns:/// target: round_robin over the worker pods needs the DNS resolver", target)
		return nil, nil
	}
	host, portText, found := strings.Cut(hostPort, ":")
	port, err := strconv.Atoi(portText)
	if !found || err != nil {
		c.fail(where, "--worker %s has no port", target)
		return nil, nil
	}
	parts := strings.SplitN(host, ".", 3)
	name, ns := parts[0], namespace
	if len(parts) > 1 {
		ns = parts[1]
	}
	if len(parts) == 3 && parts[2] != "svc" && parts[2] != clusterDomain {
		c.fail(where, "--worker %s: %s is not a Service name of the cluster (<service>.<namespace>.%s)", target, host, clusterDomain)
		return nil, nil
	}
	for _, s := range c.services {
		if s.Name != name || s.Namespace != ns {
			continue
		}
		for i := range s.Spec.Ports {
			if s.Spec.Ports[i].Port == int32(port) {
				return s, &s.Spec.Ports[i]
			}
		}
		c.fail(where, "--worker %s: Service %s has no port %d", target, name, port)
		return nil, nil
	}
	c.fail(where, "--worker %s: no Service %s in namespace %s", target, name, ns)
	return nil, nil
}

func (c *Cluster) checkJob(j *batchv1.Job, workers []worker) {
	pod := &j.Spec.Template.Spec
	for i := range pod.Containers {
		ctr := &pod.Containers[i]
		where := fmt.Sprintf("Job %s container %s", j.Name, ctr.Name)
		if imageName(ctr.Image) != c.project.Analytics.Name {
			c.fail(where, "image %s is not the analytics image %s (%s)", ctr.Image, c.project.Analytics.Name, c.project.Analytics.Dockerfile)
			continue
		}
		if len(ctr.Command) > 0 {
			c.fail(where, "sets command, which replaces the image's ENTRYPOINT %v; give args only", c.project.Analytics.Entrypoint)
		}
		args := c.expand("Job "+j.Name, ctr)
		if len(args) == 0 || !c.project.TaCommands[args[0]] {
			c.fail(where, "args must start with a ta command (%v), got %v", keys(c.project.TaCommands), args)
		}
		targets, ok := flagValue(args, "--worker")
		if !ok {
			c.fail(where, "has no --worker")
			continue
		}
		for _, target := range strings.Split(targets, ",") {
			service, port := c.resolveTarget(where, j.Namespace, target)
			if service == nil {
				continue
			}
			if service.Spec.ClusterIP != corev1.ClusterIPNone {
				c.fail(where, "--worker %s: Service %s is not headless (clusterIP: None), so DNS gives one virtual IP "+
					"and round_robin has a single address", target, service.Name)
			}
			served := false
			for _, w := range workers {
				if d := w.deployment; d.Namespace == service.Namespace &&
					labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
					if p, ok := targetPort(d, *port); ok && p == w.port() {
						served = true
						c.checkJobCredentials(where, j, ctr, args, w)
						c.checkPolicies(where, j, w, p)
					}
				}
			}
			if !served {
				c.fail(where, "--worker %s: Service %s port %d leads to no worker's --port", target, service.Name, port.Port)
			}
		}
	}
}

// checkJobCredentials: the Job trusts the CA kept with the worker's certificate, sends the token the worker
// accepts, reads it from the environment only, and expects the model the worker serves.
func (c *Cluster) checkJobCredentials(where string, j *batchv1.Job, ctr *corev1.Container, args []string, w worker) {
	pod := &j.Spec.Template.Spec
	workerPod := &w.deployment.Spec.Template.Spec
	if model, ok := flagValue(args, "--expect-model"); ok {
		if served, _ := flagValue(w.argv, "--model"); served != model {
			c.fail(where, "--expect-model %s, but Deployment %s serves %s", model, w.deployment.Name, served)
		}
	}
	if hasFlag(args, "--token") {
		c.fail(where, "passes a token on the command line; use the %s environment variable from a Secret", tokenEnv)
	}
	if !w.secured() {
		return
	}
	if ca, ok := flagValue(args, "--tls-ca"); !ok {
		c.fail(where, "the worker serves TLS, but ta has no --tls-ca to trust its certificate")
	} else if caSecret, _ := c.secretFile(where, j.Namespace, pod, ctr, "--tls-ca", ca); caSecret != "" {
		certFile, _ := flagValue(w.argv, "--tls-cert")
		if certSecret, _ := c.secretFile("Deployment "+w.deployment.Name, w.deployment.Namespace, workerPod, w.container,
			"--tls-cert", certFile); certSecret != "" && certSecret != caSecret {
			c.fail(where, "trusts the CA of Secret %s, but the worker's certificate comes from Secret %s", caSecret, certSecret)
		}
	}
	var tokenRef *corev1.SecretKeySelector
	for _, e := range ctr.Env {
		if e.Name == tokenEnv && e.ValueFrom != nil {
			tokenRef = e.ValueFrom.SecretKeyRef
		}
	}
	tokenFile, _ := flagValue(w.argv, "--token-file")
	workerSecret, workerKey := c.secretFile("Deployment "+w.deployment.Name, w.deployment.Namespace, workerPod,
		w.container, "--token-file", tokenFile)
	switch {
	case tokenRef == nil:
		c.fail(where, "the worker requires a token, but ta gets no %s from a Secret", tokenEnv)
	case workerSecret != "" && (tokenRef.Name != workerSecret || tokenRef.Key != workerKey):
		c.fail(where, "%s comes from Secret %s key %s, but the worker reads its tokens from Secret %s key %s",
			tokenEnv, tokenRef.Name, tokenRef.Key, workerSecret, workerKey)
	}
}

// checkPolicies: a NetworkPolicy that guards the worker lets the Job in on the serving port and the kubelet's
// probes in on the health port.
func (c *Cluster) checkPolicies(where string, j *batchv1.Job, w worker, port int32) {
	for _, p := range c.policies {
		if p.Namespace != w.deployment.Namespace || !policySelects(&p.Spec.PodSelector, w.deployment.Spec.Template.Labels) {
			continue
		}
		guardsIngress := len(p.Spec.PolicyTypes) == 0
		for _, t := range p.Spec.PolicyTypes {
			guardsIngress = guardsIngress || t == networkingv1.PolicyTypeIngress
		}
		if !guardsIngress {
			continue
		}
		if !admits(p, w, j.Spec.Template.Labels, port) {
			c.fail(where, "NetworkPolicy %s does not let this Job's pods reach the worker's port %d", p.Name, port)
		}
		if !admits(p, w, nil, w.healthPort()) {
			c.fail("NetworkPolicy "+p.Name, "does not let probes from any source reach the worker's health port %d", w.healthPort())
		}
	}
}

// admits: some ingress rule lets pods with these labels (nil: any source, e.g. the kubelet) in on the port.
func admits(p *networkingv1.NetworkPolicy, w worker, from map[string]string, port int32) bool {
	for _, rule := range p.Spec.Ingress {
		sourceOK := len(rule.From) == 0
		for _, peer := range rule.From {
			if from != nil && peer.NamespaceSelector == nil && peer.IPBlock == nil && peer.PodSelector != nil &&
				policySelects(peer.PodSelector, from) {
				sourceOK = true
			}
		}
		portOK := len(rule.Ports) == 0
		for _, rp := range rule.Ports {
			if rp.Port == nil {
				portOK = true
			} else if n, ok := containerPort(w.container, *rp.Port); ok && n == port {
				portOK = true
			}
		}
		if sourceOK && portOK {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
