"""Device handling every torch backend shares: out-of-memory as the seam's error, cached blocks returned."""

from __future__ import annotations

import contextlib

import torch

from .backend import DeviceOutOfMemory


@contextlib.contextmanager
def device_errors():
    """A device out of memory becomes the seam's DeviceOutOfMemory (RESOURCE_EXHAUSTED), its first line as reason."""
    try:
        yield
    except torch.OutOfMemoryError as err:
        raise DeviceOutOfMemory(str(err).splitlines()[0]) from err


def release_memory() -> None:
    """Hands the CUDA allocator's cached blocks back after a call (a no-op on CPU)."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
