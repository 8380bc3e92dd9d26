"""An independent, straightforward re-implementation of the reference suppression (docs/algorithms.md §11.1).

Written from that description, sharing no code with the worker: repeat K/V for GQA, scores in the
model dtype, suppressed key columns set to the dtype minimum for the chosen query heads,
the additive causal mask, float32 softmax, weighted values. Registered under its own name
so the same model weights run through either implementation.
"""

from __future__ import annotations

import torch
from transformers import AttentionInterface
from transformers.masking_utils import AttentionMaskInterface, eager_mask

NAME = "reference_suppression_eager"

# Set by tests: list of (start, end) ranges and {layer: [heads]} or None for all heads/layers.
SPEC: dict = {"ranges": [], "layer_heads": None}


def reference_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    groups = query.shape[1] // key.shape[1]
    key = key[:, :, None].expand(-1, -1, groups, -1, -1).reshape(query.shape[0], -1, *key.shape[2:])
    value = value[:, :, None].expand(-1, -1, groups, -1, -1).reshape(query.shape[0], -1, *value.shape[2:])
    scores = torch.matmul(query, key.transpose(2, 3)) * scaling
    layer_heads = SPEC["layer_heads"]
    if SPEC["ranges"] and (layer_heads is None or module.layer_idx in layer_heads):
        heads = list(range(query.shape[1])) if layer_heads is None else layer_heads[module.layer_idx]
        n = scores.shape[-1]
        for start, end in SPEC["ranges"]:
            end = min(end, n)
            start = min(start, end)
            if start < end:
                scores[:, heads, :, start:end] = torch.finfo(scores.dtype).min
    if attention_mask is not None:
        scores = scores + attention_mask[:, :, :, : key.shape[-2]]
    probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(query.dtype)
    out = torch.matmul(probs, value)
    return out.transpose(1, 2).contiguous(), probs


AttentionInterface.register(NAME, reference_attention)
AttentionMaskInterface.register(NAME, eager_mask)
