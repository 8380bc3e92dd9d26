"""The transformerlens backend's capture is memory-bounded: each layer's pattern is pooled and shipped as the
layer produces it, and is gone before the next layer starts, so at most one layer's (H, N, N) probabilities
exist at any time, never all layers'.

Probes ride along the backend's own hooks (after them, at the same hook points): at each layer's scores hook
they record which earlier patterns are still alive (weak references, so the probes keep nothing alive) and
whether the earlier layers were already emitted.
"""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from thought_anchors_worker.backend import AttentionPass, CaptureMode
from thought_anchors_worker.backends.transformerlens import hooks, passes

N_TOKENS = 300


@pytest.fixture(scope="module")
def tl(load):
    return load("transformerlens", "tiny-llama")


class Probes:
    def __init__(self, num_layers: int):
        self.events: list[tuple[str, int]] = []
        self.patterns: dict[int, weakref.ref] = {}
        self.alive_at_scores: dict[int, list[int]] = {}
        self.hooks = [(hooks.scores_hook(layer), self._scores(layer)) for layer in range(num_layers)]
        self.hooks += [(hooks.pattern_hook(layer), self._pattern(layer)) for layer in range(num_layers)]

    def _scores(self, layer):
        def probe(scores, hook=None):
            gc.collect()  # only reference counts should matter; collect so a cycle cannot hide a leak either
            self.alive_at_scores[layer] = [lay for lay, ref in self.patterns.items() if ref() is not None]
            self.events.append(("scores", layer))
        return probe

    def _pattern(self, layer):
        def probe(pattern, hook=None):
            self.patterns[layer] = weakref.ref(pattern)
            self.events.append(("pattern", layer))
        return probe

    def emitted(self, layer, first, matrix):
        self.events.append(("emitted", layer))


@pytest.mark.parametrize("mode", [CaptureMode.RAW, CaptureMode.POOLED], ids=lambda m: m.value)
def test_each_layer_is_shipped_and_freed_before_the_next_starts(tl, trace_text, monkeypatch, mode):
    layers = list(range(tl.describe().num_layers))
    probes = Probes(len(layers))
    monkeypatch.setattr(passes, "run_with_plan",
                        lambda bridge, inputs, plan: hooks.run_with_plan(bridge, inputs, plan, probes.hooks))
    ids = tl.tokenize(trace_text).ids[:N_TOKENS]
    ranges = [(1, 100), (100, 200), (200, N_TOKENS)] if mode is CaptureMode.POOLED else []
    tl.attention(AttentionPass(ids, layers, [0, 1, 2, 3], mode, ranges, None, query_block=64), probes.emitted,
                 threading.Event())

    events = probes.events
    for layer in layers[1:]:
        start = events.index(("scores", layer))
        assert ("emitted", layer - 1) in events[:start], f"layer {layer - 1} was not shipped before layer {layer}"
        assert all(e != ("emitted", layer) for e in events[:start])
        assert probes.alive_at_scores[layer] == [], f"patterns alive when layer {layer} starts"
    # the backend stops the forward at the last captured layer: its own hook ships it and ends the pass
    assert events[-1] == ("emitted", layers[-1]) and ("pattern", layers[-1]) not in events
    assert {e for e in events if e[0] == "emitted"} == {("emitted", layer) for layer in layers}


def test_capture_stops_the_forward_after_the_last_requested_layer(tl, trace_text, monkeypatch):
    probes = Probes(tl.describe().num_layers)
    monkeypatch.setattr(passes, "run_with_plan",
                        lambda bridge, inputs, plan: hooks.run_with_plan(bridge, inputs, plan, probes.hooks))
    ids = tl.tokenize(trace_text).ids[:N_TOKENS]
    tl.attention(AttentionPass(ids, [1], [2], CaptureMode.POOLED, [(1, 50), (50, N_TOKENS)], None, query_block=64),
                 probes.emitted, threading.Event())
    assert ("scores", 2) not in probes.events and probes.events[-1] == ("emitted", 1)
