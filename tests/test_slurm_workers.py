"""deploy/slurm/ta-workers.sbatch under a fake srun (tests/fake_slurm/srun: records its command line, sets the
step's CUDA_VISIBLE_DEVICES and runs the step here): real tiny-qwen2 workers on loopback, the address file, the
command run against them, and nothing left running afterwards, whether the job ends, is signalled or fails."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest

from conftest import REPO
from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc

SCRIPT = REPO / "deploy" / "slurm" / "ta-workers.sbatch"
FAKE_SLURM = REPO / "tests" / "fake_slurm"

# Stands in for the ta command: Describes every worker it is given and records what the job told it.
PROBE = """
import json, os, sys, grpc
from thought_anchors.worker.v1 import worker_pb2 as pb, worker_pb2_grpc as rpc
out, flag, addresses = sys.argv[1:]
models = {}
for address in addresses.split(","):
    with grpc.insecure_channel(address) as channel:
        models[address] = rpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30).model_id
json.dump({"flag": flag, "addresses": addresses, "env": os.environ["TA_WORKER_ADDRESSES"],
           "file": open(os.environ["TA_WORKERS_FILE"]).read(), "models": models}, open(out, "w"))
"""


def free_port_base(count: int) -> int:
    """A base port with `count` free ports above it (the script gives worker i base + i)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count < 65536 and all(not listening(base + i) for i in range(count)):
            return base
    raise RuntimeError("no free ports")


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Job:
    """The batch script started as sbatch would, in its own process group, with a fake SLURM environment."""

    def __init__(self, tmp: Path, *command: str, gpus: int = 2, model: str = "tiny-qwen2"):
        self.run_dir = tmp / "run"
        self.workers_file = tmp / "workers.txt"
        self.srun_log = tmp / "srun.log"
        self.base = free_port_base(gpus)
        env = {**os.environ, "PATH": f"{FAKE_SLURM}{os.pathsep}{os.environ['PATH']}",
               "FAKE_SLURM_LOG": str(self.srun_log), "SLURM_JOB_ID": "4242", "SLURM_GPUS": str(gpus),
               "SLURM_JOB_NUM_NODES": "1", "SLURM_SUBMIT_DIR": str(REPO), "TA_PYTHON": sys.executable,
               "TA_MODEL": model, "TA_DEVICE": "cpu", "TA_BIND_HOST": "127.0.0.1",
               "TA_ADVERTISE_HOST": "127.0.0.1", "TA_BASE_PORT": str(self.base), "TA_RUN_DIR": str(self.run_dir),
               "TA_WORKERS_FILE": str(self.workers_file), "TA_START_TIMEOUT": "240", "HF_HUB_OFFLINE": "1"}
        self.stderr = tmp / "job.err"
        self.proc = subprocess.Popen(["bash", str(SCRIPT), *command], env=env, cwd=tmp, start_new_session=True,
                                     stdout=subprocess.PIPE, stderr=open(self.stderr, "w"), text=True)

    def wait(self, timeout: float = 300) -> int:
        try:
            self.stdout, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise
        return self.proc.returncode

    def srun_calls(self) -> list[list[str]]:
        return [shlex.split(line) for line in self.srun_log.read_text().splitlines()]

    def group_alive(self) -> bool:
        """Whether any process of the job's process group (the script, sruns, workers) still runs."""
        try:
            os.killpg(self.proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def kill_group(self):
        if self.group_alive():
            os.killpg(self.proc.pid, signal.SIGKILL)

    def assert_nothing_left(self):
        deadline = time.time() + 10  # processes the script stopped may take a moment to be reaped
        while self.group_alive() and time.time() < deadline:
            time.sleep(0.2)
        assert not self.group_alive(), "processes of the job are still running"
        assert not any(listening(self.base + i) for i in range(2)), "a worker port still accepts connections"
        assert not self.workers_file.exists(), "the address file outlived the workers"


@pytest.fixture
def jobs():
    started = []
    yield started
    for job in started:
        job.kill_group()


def test_one_worker_per_gpu_serves_the_command_and_all_stop(tmp_path, jobs):
    out = tmp_path / "probe.json"
    job = Job(tmp_path, sys.executable, "-c", PROBE, str(out))
    jobs.append(job)
    assert job.wait() == 0, job.stderr.read_text()

    calls = sorted(job.srun_calls(), key=lambda c: c[c.index(str(SCRIPT.with_name("ta-worker-task.sh"))) + 1])
    assert len(calls) == 2
    ports = []
    for index, call in enumerate(calls):
        options = call[:call.index("bash")]
        assert {"--nodes=1", "--ntasks=1", "--gpus-per-task=1", "--exact", f"--job-name=ta-worker-{index}"} <= set(options)
        assert call[call.index("bash") + 1:] == [str(REPO / "deploy" / "slurm" / "ta-worker-task.sh"), str(index),
                                                 str(job.base + index), str(job.run_dir)]
        ports.append(job.base + index)

    probe = json.loads(out.read_text())
    expected = ",".join(f"127.0.0.1:{p}" for p in ports)
    assert probe["flag"] == "--worker" and probe["addresses"] == expected and probe["env"] == expected
    assert probe["file"].strip() == expected  # usable as `ta --worker $(cat workers.txt)`
    assert probe["models"] == {f"127.0.0.1:{p}": "tiny-qwen2" for p in ports}

    # each worker ran on the GPU its step was given (the fake srun hands them out in call order)
    devices = {(job.run_dir / f"worker-{i}.log").read_text().split("CUDA_VISIBLE_DEVICES=")[1].split(",")[0]
               for i in range(2)}
    assert devices == {"0", "1"}
    job.assert_nothing_left()


def test_a_time_limit_signal_stops_every_worker(tmp_path, jobs):
    """No command: the job serves until SLURM signals it (--signal=B:TERM@120 before the time limit, or scancel)."""
    job = Job(tmp_path)
    jobs.append(job)
    deadline = time.time() + 240
    while not job.workers_file.exists():
        assert job.proc.poll() is None, job.stderr.read_text()
        assert time.time() < deadline, "the workers did not start"
        time.sleep(0.2)
    addresses = job.workers_file.read_text().strip().split(",")
    assert addresses == [f"127.0.0.1:{job.base}", f"127.0.0.1:{job.base + 1}"]
    for address in addresses:
        with grpc.insecure_channel(address) as channel:
            assert worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30).model_id == "tiny-qwen2"

    job.proc.send_signal(signal.SIGTERM)
    assert job.wait(timeout=60) == 143
    assert "signalled, stopping the workers" in job.stderr.read_text()
    job.assert_nothing_left()


def test_a_worker_that_cannot_start_fails_the_job_with_its_reason(tmp_path, jobs):
    job = Job(tmp_path, "true", model="no-such-org/no-such-model")
    jobs.append(job)
    assert job.wait() == 1
    err = job.stderr.read_text()
    assert "exited before serving" in err and "cannot load model 'no-such-org/no-such-model'" in err, err
    job.assert_nothing_left()
