"""Nucleus compression against its definition; prefix reuse and batching against full recompute, for every
backend (one without logits.prefix_reuse ships every variant from position 0)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from thought_anchors_worker import backends
from thought_anchors_worker.backend import Kernel, LoadOptions, LogitsPass, Nucleus, Suppression
from thought_anchors_worker.nucleus import compress, top_k

SYNTHETIC = Path(backends.__file__).resolve().parents[1] / "synthetic"


def _nucleus_by_definition(z: np.ndarray, top_p: float, max_k: int, temperature: float):
    """docs/algorithms.md §12.2 literally: full softmax, full descending sort, smallest k with cum >= p, cap."""
    scaled = z.astype(np.float64) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    k = int(np.searchsorted(cumulative, top_p, side="left")) + 1
    k = max(1, min(k, max_k, len(z)))
    return order[:k], cumulative[k - 1]


@pytest.mark.parametrize("sharpness,top_p,max_k", [
    (0.5, 0.9999, 100),   # flat: capped at max_k
    (8.0, 0.9, 100),      # peaked: a handful of tokens reach p
    (30.0, 0.9999, 100),  # one dominant token
    (3.0, 1.0, 7),        # p = 1 can only stop at the cap
])
def test_compression_matches_its_definition(sharpness, top_p, max_k):
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(64, 5000, generator=generator) * sharpness
    spec = Nucleus(top_p, max_k, 0.6, round_to_float16=False)
    part = compress(logits.clone(), spec, first_position=10)
    offsets = np.concatenate([[0], np.cumsum(part.counts)])
    for row in range(logits.shape[0]):
        ids, mass = _nucleus_by_definition(logits[row].numpy(), top_p, max_k, 0.6)
        got = part.token_ids[offsets[row]:offsets[row + 1]]
        assert list(got) == list(ids), f"row {row}"
        assert part.retained[row] == pytest.approx(mass, rel=1e-5)
        assert np.array_equal(part.logits[offsets[row]:offsets[row + 1]], logits[row].numpy()[ids])
    assert part.first_position == 10


def test_float16_rounding_of_kept_logits():
    logits = torch.tensor([[1.2345678, 0.1, -3.0, 2.7182818]])
    part = compress(logits.clone(), Nucleus(0.9999, 100, 0.6, round_to_float16=True), 0)
    expected = logits[0][torch.tensor(part.token_ids, dtype=torch.long)].half().float().numpy()
    assert np.array_equal(part.logits, expected)


class Collect:
    def __init__(self):
        self.rows = {}   # (variant, position) -> (ids, logits, retained)
        self.first = {}
        self.full_rows = {}

    def nucleus(self, variant, part):
        self.first.setdefault(variant, part.first_position)
        offsets = np.concatenate([[0], np.cumsum(part.counts)])
        for r in range(len(part.counts)):
            self.rows[(variant, part.first_position + r)] = (
                part.token_ids[offsets[r]:offsets[r + 1]], part.logits[offsets[r]:offsets[r + 1]], part.retained[r])

    def full(self, variant, first_position, positions, logits):
        for p, row in zip(positions, logits):
            self.full_rows[(variant, p)] = row


VARIANTS = [
    Suppression([]),                                   # the baseline
    Suppression([(120, 160)]),
    Suppression([(300, 330), (200, 210)]),             # earliest range decides the reused prefix
    Suppression([(250, 280)], {1: [0, 3], 2: None}),    # head subsets through the explicit path
]


def _run(backend, tokens, variants, nucleus, full_positions=(), full_recompute=False, batch_size=1):
    out = Collect()
    forward = LogitsPass(tokens, variants, nucleus, list(full_positions), full_recompute, batch_size)
    backend.logits(forward, out, threading.Event())
    return out


def test_prefix_reuse_and_batching_equal_full_recompute(any_backend_model, trace_text):
    backend = any_backend_model
    tokens = backend.tokenize(trace_text).ids[:400]
    spec = Nucleus(0.9, 20, 0.6, round_to_float16=False)
    full_positions = [len(tokens) - 1, 5]
    full = _run(backend, tokens, VARIANTS, spec, full_positions, full_recompute=True)
    reused = _run(backend, tokens, VARIANTS, spec, full_positions)
    batched = _run(backend, tokens, VARIANTS, spec, full_positions, batch_size=3)
    assert full.first == {0: 0, 1: 0, 2: 0, 3: 0}
    reuses = "logits.prefix_reuse" in backend.describe().capabilities
    assert reused.first == ({0: 0, 1: 120, 2: 200, 3: 250} if reuses else full.first) == batched.first
    for other in (reused, batched):
        for key, (ids, logits, retained) in other.rows.items():
            full_ids, full_logits, full_retained = full.rows[key]
            # Random weights give near-ties (1e-6 apart) that kernels may order differently:
            # compare the kept values, and allow only a swap at the nucleus boundary.
            assert np.allclose(np.sort(logits), np.sort(full_logits), atol=1e-4), key
            assert len(set(ids) ^ set(full_ids)) <= 2, key
            assert retained == pytest.approx(full_retained, rel=1e-5)
        for key, row in other.full_rows.items():
            assert np.allclose(row, full.full_rows[key], atol=1e-4), key
    # Positions a variant does not ship are the baseline's: check the claim on full recompute.
    for variant, first in reused.first.items():
        for position in range(0, first, 37):
            assert np.array_equal(full.rows[(variant, position)][0], full.rows[(0, position)][0])
    # Suppression changes later predictions (otherwise the comparisons above are vacuous).
    changed = sum(not np.array_equal(full.rows[(1, p)][0], full.rows[(0, p)][0]) for p in range(160, 400))
    assert changed > 0


@pytest.mark.parametrize("shape,k", [((7, 151936), 100), ((5, 128256), 1), ((3, 6400), 100), ((4, 1000), 20)])
def test_grouped_top_k_equals_torch_top_k(shape, k):
    logits = torch.randn(*shape, generator=torch.Generator().manual_seed(3)) * 4
    logits[0, -5:] = 100.0  # winners in the ragged tail beyond the last full group
    values, ids = top_k(logits, k)
    expected = torch.topk(logits, k, dim=-1)
    # Same values in the same order; among tied values the order of ids is unspecified (docs/algorithms.md §12.2).
    assert torch.equal(values, expected.values)
    assert torch.equal(torch.gather(logits, 1, ids), values)
    assert all(len(set(row.tolist())) == k for row in ids)


@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_variant_does_not_depend_on_the_variants_sharing_its_call(any_backend_qwen, trace_text, batch_size):
    """Grouping must not change results: the sparse KL turns rounding differences into large values."""
    backend = any_backend_qwen
    tokens = backend.tokenize(trace_text).ids[:400]
    spec = Nucleus(0.9999, 100, 0.6, round_to_float16=True)
    together = _run(backend, tokens, VARIANTS[1:3], spec, batch_size=batch_size)
    alone = _run(backend, tokens, VARIANTS[2:3], spec)
    assert alone.rows and all(
        np.array_equal(ids, together.rows[(1, p)][0]) and np.array_equal(logits, together.rows[(1, p)][1])
        for (_, p), (ids, logits, _) in alone.rows.items())


def test_monkeypatch_kernel_reproduces_the_reference_asymmetry(tmp_path, trace_text):
    """docs/algorithms.md §11.4, kernel=MONKEYPATCH: positions before a suppression are exactly the baseline's
    under the default MASK kernel (KL 0, the ln(1e-9) floor in the upper triangle), and are not
    under MONKEYPATCH, whose suppressed pass runs another kernel than its baseline."""
    # head_dim 32: 1/sqrt(32) is no power of two, so x / sqrt(d) and x * d^-1/2 round differently
    # (with the tiny models' head_dim 16 they would agree bit for bit).
    spec = json.loads((SYNTHETIC / "tiny-qwen2.json").read_text())
    spec["config"].update(hidden_size=64, num_attention_heads=2, num_key_value_heads=1)
    (tmp_path / "d32.json").write_text(json.dumps(spec))
    backend = backends.load("hf", LoadOptions(str(tmp_path / "d32.json")))
    tokens = backend.tokenize(trace_text).ids[:300]
    nucleus = Nucleus(0.9999, 100, 0.6, round_to_float16=False)
    variants = [Suppression([]), Suppression([(150, 180)])]
    before, after = [10, 60, 149], [200, 299]

    def run(kernel):
        out = Collect()
        forward = LogitsPass(tokens, variants, nucleus, before + after, False, 1, kernel)
        backend.logits(forward, out, threading.Event())
        return out

    mask, patched = run(Kernel.MASK), run(Kernel.MONKEYPATCH)
    assert mask.first == {0: 0, 1: 150}       # earlier positions are the baseline's, exactly
    assert patched.first == {0: 0, 1: 0}      # the reference recomputes and ships every position
    for p in before:
        assert np.array_equal(mask.full_rows[(1, p)], mask.full_rows[(0, p)])
        assert np.allclose(patched.full_rows[(1, p)], patched.full_rows[(0, p)], atol=1e-4), p
    differing = [p for p in range(150) if not np.array_equal(patched.rows[(1, p)][1], patched.rows[(0, p)][1])]
    print(f"MONKEYPATCH: {len(differing)} of 150 positions before the suppression differ from the baseline")
    assert len(differing) > 10
    # Both kernels compute the same model: the stock eager baseline and the replacement kernel's
    # suppressed pass agree with the mask kernel's to rounding, and suppression does change later positions.
    for key in [(0, p) for p in before + after] + [(1, p) for p in after]:
        assert np.allclose(patched.full_rows[key], mask.full_rows[key], atol=1e-4), key
    effect = np.abs(mask.full_rows[(1, 200)] - mask.full_rows[(0, 200)]).max()
    noise = max(np.abs(patched.full_rows[(1, p)] - patched.full_rows[(0, p)]).max() for p in before)
    print(f"suppression changes position 200 by {effect:.2e}; MONKEYPATCH noise before it {noise:.2e}")
    assert effect > 100 * noise > 0
