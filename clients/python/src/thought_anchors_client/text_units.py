"""Character offsets in the two units the contract meets: UTF-16 code units (the wire, as Java strings
count) and code points (Python `str` indices). They differ only after a character outside the Basic
Multilingual Plane (emoji, mathematical alphanumerics), which takes two UTF-16 units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def utf16_positions(text: str) -> np.ndarray:
    """int64 [len(text) + 1]: the UTF-16 offset of every code-point index of `text` (and of its end)."""
    units = np.ones(len(text) + 1, dtype=np.int64)
    units[0] = 0
    if text and max(text) > "\uffff":
        units[1:] += np.fromiter((ord(c) > 0xFFFF for c in text), dtype=np.int64, count=len(text))
    return np.cumsum(units)


def to_utf16(text: str, codepoint_offsets: Sequence[int] | np.ndarray) -> np.ndarray:
    """Code-point offsets into `text` (0..len(text)) as UTF-16 offsets."""
    offsets = np.asarray(codepoint_offsets, dtype=np.int64)
    if offsets.size and (offsets.min() < 0 or offsets.max() > len(text)):
        raise ValueError(f"code-point offsets must lie in [0, {len(text)}], got {offsets.min()}..{offsets.max()}")
    return utf16_positions(text)[offsets]


def to_codepoint(text: str, utf16_offsets: Sequence[int] | np.ndarray) -> np.ndarray:
    """UTF-16 offsets into `text` as code-point offsets; an offset inside a surrogate pair maps to its character."""
    positions = utf16_positions(text)
    offsets = np.asarray(utf16_offsets, dtype=np.int64)
    if offsets.size and (offsets.min() < 0 or offsets.max() > positions[-1]):
        raise ValueError(f"UTF-16 offsets must lie in [0, {positions[-1]}], got {offsets.min()}..{offsets.max()}")
    return np.searchsorted(positions, offsets, side="right") - 1
