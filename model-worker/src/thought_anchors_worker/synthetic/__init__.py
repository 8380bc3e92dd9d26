"""Synthetic models: seeded random weights with a real BPE tokenizer, defined by a spec JSON.

A spec is ``{"tokenizer": "qwen"|"llama3", "seed": int, "config": {...HF config...}}``: the
architecture as a transformers config (the format every backend here can build from), the seed
of its random weights and which npm tokenizer package to use. The named ones live next to this
file (``tiny-qwen2``, ``tiny-llama``); ``--model`` also takes a path to a spec file. They check
the pipeline, not the science.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

NOTE = (
    "Synthetic model: seeded random weights with a real tokenizer. "
    "It checks the pipeline (shapes, masks, streaming), not the science."
)


def names() -> list[str]:
    folder = resources.files(__package__)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def spec_path(name: str) -> Path | None:
    """The spec file ``name`` refers to (a bundled name or a .json path), or None for a real model."""
    if name.endswith(".json") and Path(name).is_file():
        return Path(name)
    candidate = resources.files(__package__) / f"{name}.json"
    return Path(str(candidate)) if candidate.is_file() else None


def load_spec(path: Path) -> dict:
    return json.loads(path.read_text())
