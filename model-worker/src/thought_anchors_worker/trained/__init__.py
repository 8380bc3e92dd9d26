"""Trained models shipped with the worker: small HF folders, loaded through the ordinary
``from_pretrained`` path, that the worker knows by name (``planted-qwen2``).

Unlike the synthetic models their weights are trained, but on a synthetic task, so they show that the
analyses find a structure planted by construction, not anything about real reasoning models. A folder's
``thought_anchors_model.json`` card says what it is; its ``note`` becomes Describe's notes (for a
bundled name or any local directory that carries a card). Training code: models/<task>/ in the repository.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

CARD = "thought_anchors_model.json"


def _folder() -> Path:
    return Path(str(resources.files(__package__)))


def names() -> list[str]:
    return sorted(p.name for p in _folder().iterdir() if (p / CARD).is_file())


def path(name: str) -> Path | None:
    """The bundled folder ``name`` refers to, or None."""
    candidate = _folder() / name
    return candidate if "/" not in name and (candidate / CARD).is_file() else None


def note(directory: str | Path) -> str:
    """The card's note of a model directory, or "" where it has no card (an ordinary HF model)."""
    card = Path(directory) / CARD
    if not card.is_file():
        return ""
    try:
        return str(json.loads(card.read_text())["note"])
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{card}: not a model card with a note ({err})") from err
