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


@pytest.fixture(scope="session")
def qwen():
    return backends.load("hf", LoadOptions("tiny-qwen2"))


@pytest.fixture(scope="session")
def llama():
    return backends.load("hf", LoadOptions("tiny-llama"))


@pytest.fixture(scope="session", params=["tiny-qwen2", "tiny-llama"])
def any_model(request, qwen, llama):
    return {"tiny-qwen2": qwen, "tiny-llama": llama}[request.param]


@pytest.fixture(autouse=True)
def _deterministic():
    torch.manual_seed(0)
