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

Suppression follows docs/algorithms.md §11: key columns [start, end) get the dtype's minimum before the
softmax, for every query row, in the chosen query heads. Positions are absolute: with a KV
cache, query row i of a call sits at position kv_len - q_len + i.

A plan with ``Kernel.MONKEYPATCH`` (a parity mode, never the default) runs the reference code's
kernels instead: the architecture's own eager kernel in layers a variant does not suppress, and
the reference's replacement kernel (docs/algorithms.md §11.1) in those it does.
"""

from __future__ import annotations

import contextvars
import inspect
import math
import threading
from dataclasses import dataclass, field
from typing import Callable

import torch
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

from ...backend import Cancelled, CaptureSink, Kernel, Suppression

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
    kernel: Kernel = Kernel.MASK
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

    def scratch(self, numel: int, device) -> torch.Tensor:
        """A float32 buffer shared by the forward's query blocks (fresh multi-MB blocks cost page faults)."""
        key = ("scratch", str(device))
        buffer = self._mask_cache.get(key)
        if buffer is None or buffer.numel() < numel:
            buffer = self._mask_cache[key] = torch.empty(numel, dtype=torch.float32, device=device)
        return buffer

    def causal_tile(self, block: int, device) -> torch.Tensor:
        """(block, block) float32, 0 on and below the diagonal, -inf above: added to a block's diagonal tile."""
        key = ("tile", block, str(device))
        if key not in self._mask_cache:
            above = torch.ones(block, block, dtype=torch.bool, device=device).triu_(1)
            self._mask_cache[key] = torch.zeros(block, block, device=device).masked_fill_(above, float("-inf"))
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


    def eager_mask(self, q_len: int, kv_len: int, dtype, device) -> torch.Tensor:
        """(1, 1, q, kv) additive causal mask as the eager kernels get it: 0, or the dtype's minimum."""
        key = ("eager", q_len, kv_len, dtype, str(device))
        if key not in self._mask_cache:
            mask = torch.zeros(q_len, kv_len, dtype=dtype, device=device)
            mask.masked_fill_(~_causal(q_len, kv_len, device), torch.finfo(dtype).min)
            self._mask_cache[key] = mask[None, None]
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
    if plan.kernel is Kernel.MONKEYPATCH:
        return _reference_kernels(module, query, key, value, scaling, plan, per_sample)
    capture = layer in plan.capture_layers
    head_subset = any(h not in (False, None) for h in per_sample)
    if capture or head_subset:
        last = capture and layer == plan.last_capture_layer
        out = _explicit_attention(module, query, key, value, scaling, plan, layer, per_sample, capture,
                                  need_output=not last)
        if last:
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
                        per_sample: list, capture: bool, need_output: bool = True):
    """The layer's attention with explicit float32 probabilities; None instead of the output where
    `need_output` is false (the last captured layer, after which the forward stops)."""
    batch, heads, q_len, head_dim = query.shape
    kv_heads, kv_len = key.shape[1], key.shape[2]
    offset = kv_len - q_len
    groups = heads // kv_heads
    # GQA without repeating K/V: the `groups` query heads sharing a KV head are stacked as the rows of one
    # matmul, so each block's scores lie (batch, heads, rows, keys) in memory, as the sink reads them.
    keys = key.reshape(batch * kv_heads, kv_len, head_dim)
    values = value.reshape(batch * kv_heads, kv_len, head_dim)
    scaling = module.scaling if scaling is None else scaling

    suppressed = None  # (B*H, 1, kv) bool
    if any(h is not False for h in per_sample):
        cols = plan.suppressed_cols(kv_len, query.device)
        head_sel = torch.zeros(batch, heads, dtype=torch.bool, device=query.device)
        for b, h in enumerate(per_sample):
            if h is None:
                head_sel[b] = True
            elif h is not False:
                head_sel[b, h] = True
        suppressed = (head_sel[:, :, None] & cols[:, None, :]).reshape(batch * heads, 1, kv_len)
    floor = torch.finfo(query.dtype).min

    block = max(1, min(plan.query_block, q_len))
    # One float32 block at a time, in a buffer every block and layer of the forward reuses: each pass over
    # a block runs at cache speed at best, so the scaling goes into the matmul, the softmax runs in place
    # and only the diagonal tile is masked.
    scratch = plan.scratch(batch * heads * block * kv_len, query.device)
    tile_mask = plan.causal_tile(block, query.device)
    grouped = query.reshape(batch * kv_heads, groups, q_len, head_dim)
    out = None
    if need_output:
        out = torch.empty(batch, q_len, heads, head_dim, dtype=query.dtype, device=query.device)
        out_rows = out.view(batch, q_len, kv_heads, groups, head_dim).permute(0, 2, 3, 1, 4)
    for q0 in range(0, q_len, block):
        q1 = min(q_len, q0 + block)
        rows = q1 - q0
        visible = offset + q1  # keys a causal row in this block can reach
        stacked = scratch[: batch * heads * rows * visible].view(batch * kv_heads, groups * rows, visible)
        block_queries = grouped[:, :, q0:q1].reshape(batch * kv_heads, groups * rows, head_dim)
        _scaled_scores(block_queries, keys[:, :visible], scaling, stacked)
        scores = stacked.view(batch * heads, rows, visible)
        if suppressed is not None:
            scores.masked_fill_(suppressed[..., :visible], floor)
        # Keys before the block's first row are visible to every row: only the diagonal tile needs the mask.
        scores[..., visible - rows:].add_(tile_mask[:rows, :rows])
        torch.softmax(scores, dim=-1, out=scores)
        if need_output:
            mixed = torch.bmm(stacked.to(value.dtype), values[:, :visible])
            out_rows[:, :, :, q0:q1] = mixed.view(batch, kv_heads, groups, rows, head_dim)
        if capture:
            plan.sink.block(layer, offset + q0, scores.view(batch, heads, rows, visible)[0])
    if capture:
        plan.sink.layer_done(layer)
    return out


def _reference_kernels(module, query, key, value, scaling, plan: ForwardPlan, per_sample: list):
    """One variant's layer as the reference code computes it (the MONKEYPATCH parity mode).

    A layer the variant does not suppress (every layer of the baseline) runs the architecture's
    stock eager kernel. A suppressed layer runs the reference's replacement kernel, docs/algorithms.md §11.1:
    scores in the model dtype divided by sqrt(head_dim) (the stock kernel multiplies by the
    scaling), the dtype's minimum on the suppressed key columns, then the additive causal mask,
    softmax in float32 cast back to the model dtype. The two differ by rounding even where
    nothing is suppressed, which is the reference's noise in the upper triangle.
    """
    if len(per_sample) != 1:
        raise ValueError("the MONKEYPATCH kernels run one variant per forward")
    (heads,) = per_sample
    q_len, kv_len = query.shape[2], key.shape[2]
    causal = plan.eager_mask(q_len, kv_len, query.dtype, query.device)
    if heads is False:
        stock = getattr(inspect.getmodule(type(module)), "eager_attention_forward", None)
        if stock is None:
            raise ValueError(f"{type(module).__name__} has no stock eager kernel for kernel=MONKEYPATCH")
        out, _ = stock(module, query, key, value, causal, scaling=module.scaling if scaling is None else scaling)
        return out, None
    groups = query.shape[1] // key.shape[1]
    keys, values = _per_query_head(key, groups), _per_query_head(value, groups)
    scores = torch.matmul(query, keys.transpose(2, 3)) / math.sqrt(query.shape[-1])
    columns = plan.suppressed_cols(kv_len, query.device)[0]
    head_sel = torch.zeros(query.shape[1], dtype=torch.bool, device=query.device)
    head_sel[heads if heads is not None else slice(None)] = True
    scores.masked_fill_(head_sel[:, None, None] & columns[None, None, :], torch.finfo(query.dtype).min)
    probs = torch.softmax(scores + causal, dim=-1, dtype=torch.float32).to(query.dtype)
    return torch.matmul(probs, values).transpose(1, 2).contiguous(), None


def _per_query_head(states: torch.Tensor, groups: int) -> torch.Tensor:
    return states.repeat_interleave(groups, dim=1) if groups > 1 else states


def _scaled_scores(queries: torch.Tensor, keys: torch.Tensor, scaling: float, out: torch.Tensor) -> None:
    """out = float32(queries @ keys^T) * scaling, without a separate pass for the scaling where the
    inputs are float32 (the matmul applies it); lower precisions scale after widening, in float32."""
    if queries.dtype == torch.float32:
        torch.baddbmm(out, queries, keys.transpose(1, 2), beta=0.0, alpha=scaling, out=out)
    else:
        out.copy_(torch.bmm(queries, keys.transpose(1, 2))).mul_(scaling)


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
