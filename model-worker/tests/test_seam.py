"""The backend seam holds: the service and validation see only the protocol and its torch-free types,
transformers appears only inside the hf backend, and validation refuses what a backend does not serve."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors_worker import backends, validation
from thought_anchors_worker.backend import InvalidRequest, ModelLoadError, LoadOptions

PACKAGE = Path(validation.__file__).resolve().parent
SEAM_USERS = ("service.py", "validation.py", "server.py")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, relative ones resolved against the package (".x" -> "pkg.x")."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level] if node.level else ()
            base = ".".join(parts + ((node.module,) if node.module else ()))
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize("name", SEAM_USERS)
def test_service_side_imports_no_backend_and_no_model_library(name):
    imported = _imports(PACKAGE / name)
    assert imported, "the scan found no imports at all"
    banned = [m for m in imported if m.split(".")[0] in ("torch", "transformers", "tokenizers")
              or m.startswith("thought_anchors_worker.backends")
              or m in ("thought_anchors_worker.capture", "thought_anchors_worker.nucleus")]
    assert banned == [], f"{name} imports {banned}"


def test_the_scan_sees_relative_imports():
    """Guards the test above: a relative import of the backends package is resolved to its full name."""
    assert "thought_anchors_worker.backends" in _imports(PACKAGE / "__main__.py")


def test_service_and_validation_import_without_torch_or_transformers():
    code = ("import sys\n"
            "for name in ('torch', 'transformers', 'tokenizers'):\n"
            "    sys.modules[name] = None  # any import of them now raises ImportError\n"
            "import thought_anchors_worker.validation, thought_anchors_worker.service, thought_anchors_worker.server\n"
            "import thought_anchors_worker.backends\n"
            "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_the_import_blocker_works():
    """Guards the test above: importing the hf backend with torch blocked fails."""
    code = "import sys\nsys.modules['torch'] = None\nimport thought_anchors_worker.backends.hf\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "import of torch halted" in result.stderr


def test_model_libraries_are_imported_only_inside_the_hf_backend():
    outside = [p for p in PACKAGE.rglob("*.py") if "hf" not in p.relative_to(PACKAGE).parts]
    assert PACKAGE / "capture.py" in outside and PACKAGE / "nucleus.py" in outside
    found = {str(p.relative_to(PACKAGE)): m for p in outside for m in _imports(p)
             if m.split(".")[0] in ("transformers", "tokenizers")}
    assert found == {}


def test_an_unknown_backend_is_refused_with_the_known_ones():
    with pytest.raises(ModelLoadError, match=r"unknown backend 'nope'; known: hf"):
        backends.load("nope", LoadOptions("tiny-qwen2"))


class _Without:
    """A real backend that declares fewer capabilities than it has."""

    def __init__(self, backend, *missing: str):
        self.backend = backend
        info = backend.describe()
        self.info = dataclasses.replace(info, capabilities=info.capabilities - set(missing))

    def describe(self):
        return self.info

    def __getattr__(self, name):
        return getattr(self.backend, name)


LIMITS = validation.Limits(3 << 20, 128, 1)
TEXT = pb.ModelInput(text="Solve 2 + 2. <think>\nFour.</think>")
RANGE = [pb.TokenRange(start=2, end=4)]


@pytest.mark.parametrize("missing, parse, request_", [
    ("attention.raw", validation.attention, pb.AttentionRequest(input=TEXT, mode=pb.AttentionRequest.RAW)),
    ("attention.pooled", validation.attention,
     pb.AttentionRequest(input=TEXT, mode=pb.AttentionRequest.POOLED, pool_ranges=RANGE)),
    ("suppression.per_head", validation.logits, pb.LogitsRequest(
        input=TEXT, full_logit_positions=[-1],
        variants=[pb.Suppression(ranges=RANGE, layer_heads=[pb.LayerHeads(layer=1, heads=[0])])])),
    ("suppression.all_heads", validation.logits,
     pb.LogitsRequest(input=TEXT, full_logit_positions=[-1], variants=[pb.Suppression(ranges=RANGE)])),
    ("logits.nucleus", validation.logits, pb.LogitsRequest(
        input=TEXT, variants=[pb.Suppression()], nucleus=pb.NucleusSpec(top_p=0.9, max_k=5, temperature=1))),
    ("logits.full", validation.logits,
     pb.LogitsRequest(input=TEXT, variants=[pb.Suppression()], full_logit_positions=[-1])),
])
def test_a_request_needing_an_undeclared_capability_is_refused(qwen, missing, parse, request_):
    parse(qwen, request_, LIMITS)  # served when declared
    with pytest.raises(InvalidRequest, match=f"needs {missing}, which the hf backend does not serve"):
        parse(_Without(qwen, missing), request_, LIMITS)
