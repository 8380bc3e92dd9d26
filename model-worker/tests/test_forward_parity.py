"""The hf backend's attention function against stock kernels and an independent reference (docs/algorithms.md §11);
raw and pooled capture through the Backend protocol, for every backend."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

import reference_attention as ref
from thought_anchors_worker.backend import AttentionPass, CaptureMode, Suppression
from thought_anchors_worker.backends.hf import attention
from thought_anchors_worker.backends.hf.attention import ForwardPlan, run_with_plan
from thought_anchors_worker.backends.hf.passes import run_attention
from thought_anchors_worker.capture import RawSink

N_TOKENS = 600  # a prefix of the trace keeps the suite fast; masks and offsets are exercised the same


@pytest.fixture(scope="module")
def ids(qwen, llama, trace_text):
    return {m.describe().model_id: m.tokenize(trace_text).ids[:N_TOKENS] for m in (qwen, llama)}


def _logits(backend, ids, implementation, plan=None):
    model = backend.lm.model
    model.set_attn_implementation(implementation)
    try:
        inputs = torch.tensor([ids])
        with torch.inference_mode():
            run = lambda: model(input_ids=inputs, use_cache=False).logits[0]
            return run_with_plan(plan, run) if plan is not None else run()
    finally:
        model.set_attn_implementation(attention.NAME)


def _reference_logits(lm, ids, ranges, layer_heads):
    ref.SPEC.update(ranges=ranges, layer_heads=layer_heads)
    try:
        return _logits(lm, ids, ref.NAME)
    finally:
        ref.SPEC.update(ranges=[], layer_heads=None)


def test_without_a_plan_the_function_is_stock_sdpa(any_model, ids):
    ours = _logits(any_model, ids[any_model.describe().model_id], attention.NAME)
    stock = _logits(any_model, ids[any_model.describe().model_id], "sdpa")
    assert torch.equal(ours, stock)


def test_reference_without_suppression_is_stock_eager(any_model, ids):
    """Guards the reference itself: with nothing suppressed it must be the stock model."""
    stock = _logits(any_model, ids[any_model.describe().model_id], "eager")
    mine = _reference_logits(any_model, ids[any_model.describe().model_id], [], None)
    assert torch.allclose(mine, stock, atol=1e-5)


@pytest.mark.parametrize("layer_heads", [None, "subset"], ids=["all-heads-all-layers", "head-subsets-in-two-layers"])
def test_suppression_equals_the_reference(any_model, ids, layer_heads):
    tokens = ids[any_model.describe().model_id]
    ranges = [(200, 260), (300, 310)]
    if layer_heads == "subset":
        layer_heads = {1: [0, 3], 2: [1]}  # heads sharing and not sharing a KV head (GQA 4/2)
    plan = ForwardPlan(samples=[Suppression(ranges, layer_heads)])
    ours = _logits(any_model, tokens, attention.NAME, plan)
    expected = _reference_logits(any_model, tokens, ranges, layer_heads)
    baseline = _logits(any_model, tokens, attention.NAME)
    moved = (baseline - expected).abs().max().item()
    assert moved > 1e-3, "suppression must visibly move logits for the comparison to mean anything"
    assert (ours - expected).abs().max().item() < 1e-5 * max(1.0, moved)
    # Positions before the first suppressed key cannot change.
    assert torch.allclose(ours[:200], baseline[:200], atol=1e-5)


@pytest.mark.parametrize("layer_heads", [None, {0: [2], 3: None}])
def test_suppressed_forward_stays_causal(any_model, ids, layer_heads):
    tokens = list(ids[any_model.describe().model_id])
    plan = lambda: ForwardPlan(samples=[Suppression([(100, 150)], layer_heads)])
    before = _logits(any_model, tokens, attention.NAME, plan())
    changed = tokens[:400] + [(t + 17) % 1000 for t in tokens[400:]]
    after = _logits(any_model, changed, attention.NAME, plan())
    assert torch.allclose(before[:400], after[:400], atol=1e-6)
    assert not torch.allclose(before[400:], after[400:], atol=1e-3)


def _raw(backend, tokens, layer, heads, suppression=None):
    blocks = []
    forward = AttentionPass(tokens, [layer], heads, CaptureMode.RAW, [], suppression, query_block=128)
    backend.attention(forward, lambda l, q0, m: blocks.append((q0, m)), threading.Event())
    return np.concatenate([m for _, m in sorted(blocks, key=lambda b: b[0])], axis=1)


def _pooled(backend, tokens, layers, heads, ranges, suppression=None):
    out = {}
    forward = AttentionPass(tokens, layers, heads, CaptureMode.POOLED, ranges, suppression, query_block=128)
    backend.attention(forward, lambda l, _, m: out.__setitem__(l, m), threading.Event())
    return out


def test_raw_rows_are_distributions_and_causal(any_backend_model, ids):
    tokens = ids[any_backend_model.describe().model_id]
    probs = _raw(any_backend_model, tokens, layer=2, heads=[0, 1, 2, 3])
    assert probs.shape == (4, len(tokens), len(tokens))
    assert np.allclose(probs.sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(probs, k=1) == 0.0)


def test_raw_equals_reference_eager_probabilities(any_backend_model, load, ids):
    model_id = any_backend_model.describe().model_id
    tokens = ids[model_id]
    model = load("hf", model_id).lm.model  # the same weights, through the independent reference
    model.set_attn_implementation(ref.NAME)
    try:
        with torch.inference_mode():
            expected = model(input_ids=torch.tensor([tokens]), output_attentions=True,
                             use_cache=False).attentions[1][0].numpy()
    finally:
        model.set_attn_implementation(attention.NAME)
    assert np.abs(_raw(any_backend_model, tokens, 1, [0, 1, 2, 3]) - expected).max() < 1e-6


def test_pooled_is_the_block_mean_of_raw_for_every_head(any_backend_model, ids):
    tokens = ids[any_backend_model.describe().model_id]
    ranges = [(10, 40), (40, 41), (41, 41), (60, 200), (200, 333), (333, 600)]
    pooled = _pooled(any_backend_model, tokens, [0, 3], [0, 1, 2, 3], ranges)
    assert sorted(pooled) == [0, 3]
    for layer in (0, 3):
        raw = _raw(any_backend_model, tokens, layer, [0, 1, 2, 3])
        for h in range(4):
            for i, (r0, r1) in enumerate(ranges):
                for j, (c0, c1) in enumerate(ranges):
                    got = pooled[layer][h, i, j]
                    if r0 == r1 or c0 == c1:
                        assert np.isnan(got), "an empty range pools to NaN"
                    else:
                        assert got == pytest.approx(raw[h, r0:r1, c0:c1].mean(dtype=np.float64), rel=1e-5, abs=1e-9)


def test_pooled_column_of_a_suppressed_range_is_zero_in_suppressed_heads(any_backend_qwen, ids):
    tokens = ids[any_backend_qwen.describe().model_id]
    ranges = [(50, 100), (100, 150), (150, 300), (300, 600)]
    suppression = Suppression([(100, 150)], {1: [0, 2]})  # query heads 0 and 2 read different KV heads (GQA 4/2)
    pooled = _pooled(any_backend_qwen, tokens, [1], [0, 1, 2, 3], ranges, suppression)[1]
    assert np.all(pooled[[0, 2], :, 1] == 0.0)
    assert np.all(pooled[[1, 3], 2:, 1] > 0.0)


def test_capture_stops_after_the_last_requested_layer(qwen, ids):
    seen = []

    class Counting(RawSink):
        def block(self, layer, query_start, probs):
            seen.append(layer)

    sink = Counting([0], 4, N_TOKENS, qwen.lm.device, lambda *a: None)
    run_attention(qwen.lm, ids[qwen.describe().model_id], [1], sink, None, query_block=1000, cancel=None)
    assert seen == [1]
