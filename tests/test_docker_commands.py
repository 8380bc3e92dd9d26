"""No Docker engine runs here, so test what the images and compose run: their command lines, and compose's
structure (deploy/validate checks the file against the Compose Specification itself: `make test-deploy`)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import yaml

from conftest import REPO, SAMPLE, certificate_authority, run_ta
from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc


def _instruction(dockerfile: str, name: str) -> list[str]:
    text = (REPO / "docker" / dockerfile).read_text()
    match = re.search(rf"^{name} (\[.*\])$", text, re.MULTILINE)
    assert match, f"{dockerfile} has no exec-form {name}"
    return json.loads(match.group(1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_image_command(tmp_path, cmd: list[str]) -> tuple[subprocess.Popen, int, int]:
    """The image's ENTRYPOINT with `cmd` as its CMD, on loopback (the image binds 0.0.0.0) and free ports:
    (process, main port, health port) once the worker serves."""
    entrypoint = _instruction("worker.Dockerfile", "ENTRYPOINT")
    assert entrypoint[0] == ".venv/bin/python"  # the venv `make venv` builds, as in the image
    command = [sys.executable, *entrypoint[1:], *cmd]
    command[command.index("--port") + 1] = "0"
    command[command.index("--host") + 1] = "127.0.0.1"
    health_port = _free_port()
    command[command.index("--health-port") + 1] = str(health_port)
    port_file = tmp_path / "port"
    proc = subprocess.Popen(command + ["--port-file", str(port_file)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (port_file.exists() and port_file.read_text()):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise AssertionError("the image's command did not start a worker")
        time.sleep(0.1)
    return proc, int(port_file.read_text()), health_port


def _health_probe(port: int) -> int:
    """The image's HEALTHCHECK command, aimed at `port` instead of the image's health port: its exit status."""
    probe = _instruction("worker.Dockerfile", "HEALTHCHECK CMD")
    assert probe[0] == ".venv/bin/python" and "127.0.0.1:50052" in probe[2]
    return subprocess.run([sys.executable, probe[1], probe[2].replace("50052", str(port))], cwd=REPO,
                          capture_output=True, timeout=60).returncode


def test_worker_image_command_serves_the_default_model(tmp_path):
    proc, port, health_port = _start_image_command(tmp_path, _instruction("worker.Dockerfile", "CMD"))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30)
        assert info.model_id == "tiny-qwen2" and info.synthetic_weights
        assert _health_probe(health_port) == 0
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_worker_image_health_check_passes_when_the_worker_is_given_tls_and_a_token(tmp_path):
    """A user who replaces the CMD with TLS and a token (docs/operations.md) keeps a healthy container: the probe
    asks the plaintext health-only port, while the same probe of the main port cannot pass TLS."""
    ca = certificate_authority(tmp_path / "ca")
    issued = ca.issue("worker")
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("a-token-the-probe-does-not-have\n")
    proc, port, health_port = _start_image_command(tmp_path, [
        "--model", "tiny-qwen2", "--tls-cert", str(issued.cert), "--tls-key", str(issued.key),
        "--token-file", str(tokens)])
    try:
        assert _health_probe(health_port) == 0
        assert _health_probe(port) != 0
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_worker_image_builds_with_the_make_targets_ci_uses():
    text = (REPO / "docker" / "worker.Dockerfile").read_text()
    targets = re.search(r"^RUN make (.+)$", text, re.MULTILINE).group(1).split()
    makefile = (REPO / "Makefile").read_text()
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), f"Makefile has no target {target}"
    assert "setup: venv tokenizers planted-tokenizer proto" in makefile


def test_worker_image_copies_everything_its_make_targets_need(tmp_path):
    """Only what the image COPYs (minus .dockerignore'd outputs) is there when `RUN make ...` runs: make's dry run
    finds every prerequisite (the client distribution that holds the generated stubs among them), and the stub
    generation it runs works in that copy."""
    text = (REPO / "docker" / "worker.Dockerfile").read_text()
    make_line = re.search(r"^RUN (make .+)$", text, re.MULTILINE)

    def ignored(folder, names):  # build outputs that .dockerignore keeps out of the context
        return [n for n in names if n in ("__pycache__", ".venv", "build", "node_modules") or n.endswith(".egg-info")
                or (n == "thought_anchors" and Path(folder).name == "src")]

    for sources, dest in re.findall(r"^COPY (?!--from)(.+) (\S+)$", text[: make_line.start()], re.MULTILINE):
        for source in sources.split():
            target = tmp_path / (dest if dest != "./" else source)
            if (REPO / source).is_dir():
                shutil.copytree(REPO / source, target, ignore=ignored)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / source, target)
    dry = subprocess.run(["make", "-n", *make_line.group(1).split()[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "build_stubs.py" in dry.stdout
    generated = subprocess.run([sys.executable, "clients/python/build_stubs.py"], cwd=tmp_path, capture_output=True,
                               text=True)
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "clients/python/src/thought_anchors/worker/v1/worker_pb2_grpc.py").is_file()
    assert not (tmp_path / "model-worker/src/thought_anchors").exists()  # one generated copy, in the client


def test_analytics_image_runs_the_jar_the_build_produces():
    entrypoint = _instruction("analytics.Dockerfile", "ENTRYPOINT")
    jar = entrypoint[-1]
    text = (REPO / "docker" / "analytics.Dockerfile").read_text()
    assert f"cli-0.1.0-SNAPSHOT-all.jar {jar}" in text
    assert (REPO / "java-analytics" / "cli" / "pom.xml").read_text().count("<shadedClassifierName>all<") == 1


def test_every_file_the_images_copy_is_in_the_repository():
    for dockerfile in ("worker.Dockerfile", "analytics.Dockerfile"):
        text = (REPO / "docker" / dockerfile).read_text()
        for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.MULTILINE):
            for source in sources.split():
                assert (REPO / source).exists(), f"{dockerfile} copies {source}, which is not in the repository"


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())


def _worker_port() -> str:
    entrypoint = _instruction("worker.Dockerfile", "ENTRYPOINT")
    return entrypoint[entrypoint.index("--port") + 1]


def test_compose_ta_command_runs_against_a_worker(worker, tmp_path):
    """The compose service's command, with the image's /data and /out mapped to this checkout and tmp."""
    command = _compose()["services"]["ta"]["command"]
    assert f"worker:{_worker_port()}" in command
    args = [a.replace("/data", str(SAMPLE)).replace("/out", str(tmp_path))
            .replace(f"worker:{_worker_port()}", worker.address) for a in command]
    result = run_ta(*args, "--cache", str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report" / "index.html").is_file()


def test_compose_publishes_ports_on_loopback_only():
    """The worker speaks plaintext in compose: no published port may listen on the host's other interfaces."""
    published = 0
    for name, service in _compose()["services"].items():
        for port in service.get("ports", []):
            host_ip = port.get("host_ip") if isinstance(port, dict) else (
                port.rsplit(":", 2)[0] if port.count(":") >= 2 else None)
            assert host_ip in ("127.0.0.1", "[::1]"), f"service {name} publishes {port} on every interface"
            published += 1
    assert published >= 1  # the tiny worker stays reachable from the host (ta, grpcurl, an SSH tunnel)


def test_compose_gpu_profile_runs_one_worker_per_gpu():
    services = _compose()["services"]
    workers = {name: s for name, s in services.items()
               if "gpus" in s.get("profiles", []) and s["image"] == "thought-anchors-worker"}
    assert len(workers) >= 2
    devices, host_ports = [], []
    for name, service in workers.items():
        reserved = service["deploy"]["resources"]["reservations"]["devices"]
        assert len(reserved) == 1 and reserved[0]["driver"] == "nvidia" and "gpu" in reserved[0]["capabilities"]
        assert len(reserved[0]["device_ids"]) == 1, f"{name} must hold exactly one GPU"
        devices.append(int(reserved[0]["device_ids"][0]))
        host_ports.extend(p.rsplit(":", 1)[0] for p in service["ports"])
        command = service["command"]
        assert command[command.index("--device") + 1] == "cuda"  # its one visible GPU
    assert sorted(devices) == list(range(len(workers))), "GPUs 0..N-1, each to one worker"
    assert len(set(host_ports)) == len(host_ports)

    ta = services["ta-gpus"]
    assert "gpus" in ta["profiles"]
    command = ta["command"]
    addresses = command[command.index("--worker") + 1].split(",")
    assert sorted(addresses) == sorted(f"{name}:{_worker_port()}" for name in workers)
    assert ta["depends_on"] == {name: {"condition": "service_healthy"} for name in workers}
    model = next(iter(workers.values()))["command"][1]
    assert all(s["command"][1] == model for s in workers.values())
    assert command[command.index("--expect-model") + 1] == model
