"""Give the C heap's free pages back to the operating system after each call (glibc ``malloc_trim``).

CPU tensors come from malloc. Blocks below glibc's mmap threshold (which it raises towards 32 MiB as large
blocks are freed) are carved from malloc arenas, and each call's forward runs on a thread of its own, so the
blocks a call frees stay mapped, spread over several arenas, and a worker's resting RSS grows from run to run
while the bytes in use stay flat (measured with ``bench/rss_runs.py``: docs/performance.md). ``malloc_trim(0)``
returns every whole free page of every arena. Without glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_libc_name = ctypes.util.find_library("c")
_malloc_trim = getattr(ctypes.CDLL(_libc_name), "malloc_trim", None) if _libc_name else None


def trim() -> None:
    if _malloc_trim is not None:
        _malloc_trim(0)
