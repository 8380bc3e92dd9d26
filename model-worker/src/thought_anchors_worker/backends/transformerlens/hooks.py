"""The transformerlens backend's hook functions: suppression and capture at TransformerLens' hook points.

The bridge computes, per layer, scores (B, H, q, kv) in the model dtype with the causal mask
already applied, fires ``hook_attn_scores``, takes a float32 softmax and fires ``hook_pattern``
on the probabilities the layer then uses. H counts query heads (K and V are repeated for GQA
before the scores), so a query head is suppressed alone, never its whole KV group.

- Suppression (docs/algorithms.md §11): in ``hook_attn_scores``, key columns [start, end) get the dtype's
  minimum for every query row in the chosen query heads of each batch row.
- Capture: in ``hook_pattern``, the float32 probabilities go to a ``capture.sink_for`` sink in
  query blocks over the causally visible keys, and the layer is pooled before the next one
  runs; after the last requested layer the forward stops. Only the current layer's pattern
  exists at any time: memory is O(B x H x N^2) for one layer, the bridge's own cost.
- Every scores hook checks the cancel event, so a cancelled call stops within one layer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import torch

from ...backend import Cancelled, CaptureSink, Suppression


def run_with_plan(bridge, inputs: torch.Tensor, plan: "HookPlan", extra_hooks: list = ()) -> None:
    """One forward of the bridge under the plan's hooks (removed afterwards, however it ends)."""
    try:
        with bridge.hooks(fwd_hooks=plan.fwd_hooks() + list(extra_hooks)):
            bridge(inputs)
    except StopForward:
        pass


def scores_hook(layer: int) -> str:
    return f"blocks.{layer}.attn.hook_attn_scores"


def pattern_hook(layer: int) -> str:
    return f"blocks.{layer}.attn.hook_pattern"


FINAL_NORM_HOOK = "ln_final.hook_out"


class StopForward(Exception):
    """Everything the pass needs has been taken from the hooks; the rest of the forward is skipped."""


@dataclass
class HookPlan:
    """What one forward does at the hook points; ``fwd_hooks()`` is handed to ``bridge.hooks``."""

    num_layers: int
    samples: list[Suppression] = field(default_factory=list)  # one per batch row; empty: no suppression
    capture_layers: frozenset[int] = frozenset()
    sink: CaptureSink | None = None
    query_block: int = 128
    cancel: threading.Event | None = None
    want_final_hidden: bool = False
    final_hidden: torch.Tensor | None = None  # (B, N, d_model) after the final norm, when wanted
    _scores: torch.Tensor | None = field(default=None, repr=False)  # the current layer's, for non-fp32 capture

    def fwd_hooks(self) -> list:
        last = max(self.capture_layers) if self.capture_layers else self.num_layers - 1
        hooks = [(scores_hook(layer), self._on_scores(layer)) for layer in range(last + 1)]
        hooks += [(pattern_hook(layer), self._on_pattern(layer)) for layer in sorted(self.capture_layers)]
        if self.want_final_hidden:
            hooks.append((FINAL_NORM_HOOK, self._on_final_hidden))
        return hooks

    def _on_scores(self, layer: int):
        def hook(scores: torch.Tensor, hook=None) -> torch.Tensor:
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled()
            mask = self._suppressed(layer, scores)
            if mask is not None:
                scores.masked_fill_(mask, torch.finfo(scores.dtype).min)
            if layer in self.capture_layers and scores.dtype != torch.float32:
                self._scores = scores
            return scores
        return hook

    def _suppressed(self, layer: int, scores: torch.Tensor) -> torch.Tensor | None:
        """(B, H, 1, kv) bool: the key columns each batch row suppresses in each of its heads."""
        per_sample = [s.heads_at(layer) for s in self.samples]
        if all(h is False for h in per_sample):
            return None
        batch, heads, _, kv_len = scores.shape
        mask = torch.zeros(batch, heads, 1, kv_len, dtype=torch.bool, device=scores.device)
        for b, (sample, chosen) in enumerate(zip(self.samples, per_sample)):
            if chosen is False:
                continue
            rows = slice(None) if chosen is None else torch.tensor(chosen, device=scores.device)
            for start, end in sample.ranges:
                if end > start:
                    mask[b, rows, 0, min(start, kv_len):min(end, kv_len)] = True
        return mask

    def _on_pattern(self, layer: int):
        def hook(pattern: torch.Tensor, hook=None) -> torch.Tensor:
            n = pattern.shape[-1]
            block = max(1, self.query_block)
            for q0 in range(0, n, block):
                q1 = min(n, q0 + block)
                if pattern.dtype == torch.float32:
                    probs = pattern[0, :, q0:q1, :q1]
                else:  # the bridge rounds its float32 softmax to the model dtype: redo it from the scores
                    probs = torch.softmax(self._scores[0, :, q0:q1, :q1].float(), dim=-1)
                self.sink.block(layer, q0, probs)
            self._scores = None
            self.sink.layer_done(layer)
            if layer == max(self.capture_layers):
                raise StopForward()
            return pattern
        return hook

    def _on_final_hidden(self, hidden: torch.Tensor, hook=None) -> torch.Tensor:
        self.final_hidden = hidden
        raise StopForward()  # the LM head runs in chunks outside the forward
