"""Model backends by name: ``serve --backend NAME`` (default ``hf``).

A backend is a package here that loads one causal LM and implements the
``thought_anchors_worker.backend.Backend`` protocol; the service and validation see nothing
else of it. Each entry below names the module whose ``load(options: LoadOptions) -> Backend``
builds it; the module is imported only when its backend is chosen, so a backend's own libraries
are needed only by those who use it.

Adding a backend:
1. a package ``backends/<name>/`` whose ``__init__`` exports ``load``; raise ``ModelLoadError``
   with a one-line reason for a model it cannot serve correctly (never serve it silently wrong);
2. capture through ``capture.sink_for`` (hand it each captured layer's float32 probabilities,
   all query heads, in query blocks) and compress logits with ``nucleus.compress``: the shared
   math that keeps backends from drifting apart;
3. ``describe()`` in canonical terms (see ``backend.py``) with ``backend`` = the name below,
   ``backend_version`` = ``<library>-<version>``, and only the capabilities it really serves;
4. raise ``Cancelled`` once the ``cancel`` event is set (check it per layer or block) and turn
   the library's out-of-memory error into ``DeviceOutOfMemory``;
5. one line in ``_MODULES``, and the worker's test suite run against it.
"""

from __future__ import annotations

from importlib import import_module

from ..backend import Backend, LoadOptions, ModelLoadError

DEFAULT = "hf"

_MODULES = {
    "hf": "thought_anchors_worker.backends.hf",
}


def names() -> list[str]:
    return sorted(_MODULES)


def load(name: str, options: LoadOptions) -> Backend:
    if name not in _MODULES:
        raise ModelLoadError(f"unknown backend {name!r}; known: {', '.join(names())}")
    return import_module(_MODULES[name]).load(options)
