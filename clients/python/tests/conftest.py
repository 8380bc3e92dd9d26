"""Real worker processes on loopback (tiny synthetic models: random weights, real tokenizers) for the client tests.

The worker runs in its own process, from the repository's venv; the client under test never imports it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import thought_anchors_client as ta

REPO = Path(__file__).resolve().parents[3]
TRACE_2238 = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"


class Worker:
    """`python -m thought_anchors_worker serve` on a free loopback port."""

    def __init__(self, model: str, folder: Path, *extra: str):
        port_file = folder / f"port-{model}-{time.monotonic_ns()}"
        self.log_path = folder / f"worker-{model}-{time.monotonic_ns()}.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "thought_anchors_worker", "serve", "--model", model, "--port", "0",
                 "--port-file", str(port_file), *extra],
                stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
        deadline = time.time() + 120
        while not (port_file.exists() and port_file.read_text()):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError(f"worker {model} did not start: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.1)
        self.address = f"127.0.0.1:{port_file.read_text().strip()}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def workers(tmp_path_factory):
    """Both tiny models, started side by side (each load takes seconds)."""
    folder = tmp_path_factory.mktemp("workers")
    started = {}
    try:
        for model in ("tiny-qwen2", "tiny-llama"):
            started[model] = Worker(model, folder, "--max-chunk-bytes", str(1 << 20))  # several chunks per layer
        yield started
    finally:
        for worker in started.values():
            worker.stop()


@pytest.fixture(scope="session", params=["tiny-qwen2", "tiny-llama"])
def client(request, workers):
    with ta.connect(workers[request.param].address) as c:
        yield c


@pytest.fixture(scope="session")
def qwen(workers):
    with ta.connect(workers["tiny-qwen2"].address) as c:
        yield c


@pytest.fixture(scope="session")
def trace_text() -> str:
    """The start of a published chain of thought: long enough for several LM-head and Arrow chunks."""
    return json.loads((TRACE_2238 / "base_solution.json").read_text())["full_cot"][:1500]
