"""Cross-language end-to-end fixtures: a real worker process on loopback and the `ta` launcher (bin/ta).

Tiny synthetic models (random weights, real tokenizers) check the pipeline, not the science.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "thought-anchors-sample"
QWEN_SAMPLE = SAMPLE / "deepseek-r1-distill-qwen-14b"
THROWAWAY_CA = REPO / "model-worker" / "tests" / "throwaway_ca.py"
# Development data (the published traces), beside the checkout in development and never shipped to users.
SHARED_DATA = REPO.parent / "shared" / "data" / "thought-anchors"
CLI_JAR = REPO / "java-analytics" / "cli" / "target" / "cli-0.1.0-SNAPSHOT-all.jar"
LAUNCHER = REPO / "bin" / "ta"



def certificate_authority(folder: Path):
    """A throwaway CA in `folder` (the worker suite's own helper, model-worker/tests/throwaway_ca.py)."""
    spec = importlib.util.spec_from_file_location("throwaway_ca", THROWAWAY_CA)
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return module.CertificateAuthority(folder)

class WorkerProcess:
    def __init__(self, model: str, tmp: Path, *extra: str):
        label = Path(model).name  # a model directory's path names no file here
        port_file = tmp / f"port-{label}-{time.monotonic_ns()}"
        self.log = open(tmp / f"worker-{label}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "thought_anchors_worker", "serve", "--model", model, "--port", "0",
             "--port-file", str(port_file), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
        deadline = time.time() + 120
        while not port_file.exists() or not port_file.read_text():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"worker did not start; see {self.log.name}")
            time.sleep(0.1)
        self.address = f"127.0.0.1:{port_file.read_text().strip()}"

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture(scope="session")
def worker(tmp_path_factory):
    process = WorkerProcess("tiny-qwen2", tmp_path_factory.mktemp("worker"))
    yield process
    process.stop()


def run_ta(*args: str, timeout: int = 600, **kwargs) -> subprocess.CompletedProcess:
    """`ta ARGS` through the launcher users run; its class-data archives go to the session's own folder."""
    if not CLI_JAR.exists():
        raise RuntimeError(f"{CLI_JAR} is missing: build java-analytics first (make test does)")
    env = kwargs.pop("env", None) or os.environ
    env = {**env, "TA_CDS_DIR": env.get("TA_CDS_DIR", _session_cds_dir)}
    return subprocess.run([str(LAUNCHER), *args], capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env=env, **kwargs)


_session_cds_dir = ""


def pytest_configure(config):
    global _session_cds_dir
    config.addinivalue_line("markers", "devdata: reads ../shared development data, which users do not have")
    _session_cds_dir = tempfile.mkdtemp(prefix="ta-cds-")


def pytest_unconfigure(config):
    shutil.rmtree(_session_cds_dir, ignore_errors=True)


def pytest_runtest_setup(item):
    """A development-data test checks the analyses against the published traces, which a user's or CI's clone does
    not have: there it is skipped, in one place, with that reason; where they exist it runs."""
    if item.get_closest_marker("devdata") and not SHARED_DATA.is_dir():
        pytest.skip(f"development data {SHARED_DATA} is absent: it is not shipped to users")
