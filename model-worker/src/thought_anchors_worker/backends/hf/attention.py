"""The hf backend's attention kernel, registered with transformers' attention interface.

One function serves every architecture that dispatches attention through
``AttentionInterface`` (Qwen2, Llama, ...). Per forward, a :class:`ForwardPlan` set in a
ContextVar says what to do in each layer:

- nothing: delegate to stock SDPA (the fast path is unchanged);
- suppress keys in *all* heads: SDPA with an additive mask (causal and not suppressed);
- capture probabilities, or suppress keys in a *subset* of heads: explicit scores with a
  float32 softmax, computed in query blocks so memory stays O(block x N), and only over the
  causally visible keys of each block. The same probabilities produce the layer output, so
  what is captured is exactly what the model used.

Suppression follows spec §10: key columns [start, end) get the dtype's minimum before the
softmax, for every query row, in the chosen query heads. Positions are absolute: with a KV
cache, query row i of a call sits at position kv_len - q_len + i.
"""

from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass, field
from typing import Callable

import torch
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

from ...backend import Cancelled, CaptureSink, Suppression

NAME = "thought_anchors"
DESCRIPTION = "thought_anchors (explicit float32 softmax in query blocks where captured or head-suppressed; SDPA elsewhere)"

_PLAN: contextvars.ContextVar["ForwardPlan | None"] = contextvars.ContextVar("thought_anchors_plan", default=None)


class StopForward(Exception):
    """Every requested layer has been captured; the rest of the forward is not needed."""


@dataclass
class ForwardPlan:
    samples: list[Suppression] = field(default_factory=list)  # one per batch row; empty: no suppression
    capture_layers: frozenset[int] = frozenset()
    sink: CaptureSink | None = None
    query_block: int = 256
    cancel: threading.Event | None = None
    _mask_cache: dict = field(default_factory=dict, repr=False)

    @property
    def last_capture_layer(self) -> int:
        return max(self.capture_layers) if self.capture_layers else -1

    def suppressed_cols(self, kv_len: int, device) -> torch.Tensor:
        """(B, kv_len) bool: key columns suppressed in each batch row."""
        key = ("cols", kv_len, str(device))
        if key not in self._mask_cache:
            cols = torch.zeros(len(self.samples), kv_len, dtype=torch.bool, device=device)
            for b, sample in enumerate(self.samples):
                for start, end in sample.ranges:
                    cols[b, min(start, kv_len):min(end, kv_len)] = True
            self._mask_cache[key] = cols
        return self._mask_cache[key]

    def sdpa_mask(self, q_len: int, kv_len: int, active: tuple[bool, ...], dtype, device) -> torch.Tensor:
        """(B, 1, q, kv) additive mask: 0 where causal (lower-right aligned) and not suppressed in the
        active rows, -inf elsewhere. Additive, not boolean: CPU SDPA runs 2x faster with it."""
        key = ("sdpa", q_len, kv_len, active, dtype, str(device))
        if key not in self._mask_cache:
            causal = _causal(q_len, kv_len, device)
            cols = self.suppressed_cols(kv_len, device) & torch.tensor(active, device=device)[:, None]
            allowed = causal[None, None] & ~cols[:, None, None, :]
            mask = torch.zeros(allowed.shape, dtype=dtype, device=device)
            self._mask_cache[key] = mask.masked_fill_(~allowed, float("-inf"))
        return self._mask_cache[key]


def _causal(q_len: int, kv_len: int, device) -> torch.Tensor:
    """(q, kv) bool, True where query row r (absolute position kv_len - q_len + r) may see the key."""
    rows = torch.arange(kv_len - q_len, kv_len, device=device)
    return torch.arange(kv_len, device=device)[None, :] <= rows[:, None]


def run_with_plan(plan: ForwardPlan, fn: Callable[[], object]):
    token = _PLAN.set(plan)
    try:
        return fn()
    finally:
        _PLAN.reset(token)


def attention_forward(module, query, key, value, attention_mask, dropout: float = 0.0,
                      scaling: float | None = None, **kwargs):
    plan = _PLAN.get()
    if plan is None:
        return sdpa_attention_forward(module, query, key, value, attention_mask,
                                      dropout=dropout, scaling=scaling, **kwargs)
    if plan.cancel is not None and plan.cancel.is_set():
        raise Cancelled()
    layer = module.layer_idx
    per_sample = [s.heads_at(layer) for s in plan.samples]
    capture = layer in plan.capture_layers
    head_subset = any(h not in (False, None) for h in per_sample)
    if capture or head_subset:
        out = _explicit_attention(module, query, key, value, scaling, plan, layer, per_sample, capture)
        if capture and layer == plan.last_capture_layer:
            raise StopForward()
        return out, None
    if any(h is None for h in per_sample):
        q_len, kv_len = query.shape[2], key.shape[2]
        active = tuple(h is None for h in per_sample)  # rows suppressing all heads in this layer
        mask = plan.sdpa_mask(q_len, kv_len, active, query.dtype, query.device)
        return sdpa_attention_forward(module, query, key, value, mask, dropout=dropout, scaling=scaling,
                                      is_causal=False)
    return sdpa_attention_forward(module, query, key, value, attention_mask,
                                  dropout=dropout, scaling=scaling, **kwargs)


def _explicit_attention(module, query, key, value, scaling, plan: ForwardPlan, layer: int,
                        per_sample: list, capture: bool):
    batch, heads, q_len, head_dim = query.shape
    kv_len = key.shape[2]
    offset = kv_len - q_len
    groups = heads // key.shape[1]
    key = key.repeat_interleave(groups, dim=1) if groups > 1 else key
    value = value.repeat_interleave(groups, dim=1) if groups > 1 else value
    scaling = module.scaling if scaling is None else scaling

    suppressed = None  # (B, H, 1, kv) bool
    if any(h is not False for h in per_sample):
        cols = plan.suppressed_cols(kv_len, query.device)
        head_sel = torch.zeros(batch, heads, dtype=torch.bool, device=query.device)
        for b, h in enumerate(per_sample):
            if h is None:
                head_sel[b] = True
            elif h is not False:
                head_sel[b, h] = True
        suppressed = (head_sel[:, :, None] & cols[:, None, :])[:, :, None, :]
    floor = torch.finfo(query.dtype).min

    out = torch.empty(batch, heads, q_len, head_dim, dtype=query.dtype, device=query.device)
    block = max(1, plan.query_block)
    for q0 in range(0, q_len, block):
        q1 = min(q_len, q0 + block)
        visible = offset + q1  # keys a causal row in this block can reach
        scores = torch.matmul(query[:, :, q0:q1], key[:, :, :visible].transpose(-1, -2)).float() * scaling
        if suppressed is not None:
            scores.masked_fill_(suppressed[..., :visible], floor)
        # Keys before the block's first row are visible to every row: mask only the diagonal tile.
        tile = scores[..., offset + q0: visible]
        tile.masked_fill_(torch.ones(q1 - q0, q1 - q0, dtype=torch.bool, device=query.device).triu_(1),
                          float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        out[:, :, q0:q1] = torch.matmul(probs.to(value.dtype), value[:, :, :visible])
        if capture:
            plan.sink.block(layer, offset + q0, probs[0])
        del scores, probs
    if capture:
        plan.sink.layer_done(layer)
    return out.transpose(1, 2).contiguous()


_registered = False


def register() -> None:
    """Register the function and its mask function under one name (process-wide, idempotent).

    The mask function must be registered too: without it transformers passes
    attention_mask=None and causality would be lost silently.
    """
    global _registered
    if not _registered:
        AttentionInterface.register(NAME, attention_forward)
        AttentionMaskInterface.register(NAME, sdpa_mask)
        _registered = True
