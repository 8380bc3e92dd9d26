"""Shared fixtures: tiny synthetic models (random weights, real tokenizers) and a sample trace.

These models check the pipeline — masks, shapes, streaming, parity with independent
computations — not the science.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from thought_anchors_worker import backends
from thought_anchors_worker.backend import LoadOptions

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "thought-anchors-sample"
TRACE_2238 = SAMPLE / "deepseek-r1-distill-qwen-14b" / "correct_base_solution" / "problem_2238"


@pytest.fixture(scope="session")
def trace_text() -> str:
    return json.loads((TRACE_2238 / "base_solution.json").read_text())["full_cot"]


BACKENDS = tuple(backends.names())   # every registered backend runs the backend-level tests
MODELS = ("tiny-qwen2", "tiny-llama")


@pytest.fixture(scope="session")
def load():
    """(backend, model) -> that backend with that model, loaded once per session."""
    loaded = {}

    def get(backend: str, model: str):
        if (backend, model) not in loaded:
            loaded[(backend, model)] = backends.load(backend, LoadOptions(model))
        return loaded[(backend, model)]

    return get


# The hf backend's own models: tests of its kernel, loading and the service plumbing use these.
@pytest.fixture(scope="session")
def qwen(load):
    return load("hf", "tiny-qwen2")


@pytest.fixture(scope="session")
def llama(load):
    return load("hf", "tiny-llama")


@pytest.fixture(scope="session", params=MODELS)
def any_model(request, load):
    return load("hf", request.param)


# Backend-level tests (through the Backend protocol) run against every backend.
@pytest.fixture(scope="session", params=BACKENDS)
def any_backend_qwen(request, load):
    return load(request.param, "tiny-qwen2")


@pytest.fixture(scope="session", params=[(b, m) for b in BACKENDS for m in MODELS], ids=lambda p: f"{p[0]}-{p[1]}")
def any_backend_model(request, load):
    return load(*request.param)


@pytest.fixture(autouse=True)
def _deterministic():
    torch.manual_seed(0)
