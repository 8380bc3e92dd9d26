"""Every flag the deployment files give the worker and ta is one they accept.

The manifests (deploy/k8s), compose (docker/compose.yaml) and the SLURM task script pass the worker and ta
their security and scale-out flags on command lines no compiler checks: a renamed or dropped flag would only
show when a pod or job fails to start. Each flag they use must appear in the program's own --help.
"""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from conftest import REPO, run_ta

WORKER_IMAGE, TA_IMAGE = "thought-anchors-worker", "thought-anchors-ta"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def _image(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].split(":")[0]


def _k8s_containers():
    for path in sorted((REPO / "deploy" / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            template = ((doc or {}).get("spec") or {}).get("template")
            if template:
                yield from template["spec"]["containers"]


def _compose_services():
    return yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())["services"].values()


def used_flags(image: str) -> set[str]:
    args = [a for c in _k8s_containers() if _image(c["image"]) == image for a in c.get("args", [])]
    args += [a for s in _compose_services() if s.get("image") == image for a in s.get("command", [])]
    flags = {a.split("=")[0] for a in args if FLAG.fullmatch(a.split("=")[0])}
    if image == WORKER_IMAGE:  # the SLURM task script builds the worker's command line from these
        flags |= set(FLAG.findall((REPO / "deploy" / "slurm" / "ta-worker-task.sh").read_text()))
    return flags


def ta_commands(image: str) -> set[str]:
    commands = [c.get("args", [None])[0] for c in _k8s_containers() if _image(c["image"]) == image]
    commands += [s["command"][0] for s in _compose_services() if s.get("image") == image]
    return set(commands)


def check(used: set[str], known: set[str], who: str):
    unknown = used - known
    assert not unknown, f"the deployment files give {who} flags it does not have: {sorted(unknown)}"


def test_worker_flags_exist():
    help_text = subprocess.run([sys.executable, "-m", "thought_anchors_worker", "serve", "--help"],
                               capture_output=True, text=True, check=True, cwd=REPO).stdout
    used = used_flags(WORKER_IMAGE)
    assert {"--model", "--device", "--tls-cert", "--token-file"} <= used  # the extraction found the real args
    check(used, set(FLAG.findall(help_text)), "the worker")


def test_ta_flags_exist():
    commands = ta_commands(TA_IMAGE)
    assert {"receivers", "report"} <= commands
    known = set()
    for command in commands:
        result = run_ta(command, "--help")
        assert result.returncode == 0, result.stderr
        known |= set(FLAG.findall(result.stdout))
    used = used_flags(TA_IMAGE)
    assert {"--worker", "--data", "--out"} <= used
    check(used, known, "ta")
