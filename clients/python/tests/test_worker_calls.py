"""The client against real worker processes (tiny-qwen2 and tiny-llama on loopback).

Expected values come from independent computations in the tests (block means of RAW, softmax and
nucleus selection of full logits, unsuppressed passes), not from the client's own code.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest

import thought_anchors_client as ta


def _ranges(n: int, width: int) -> list[tuple[int, int]]:
    """Sentence-like ranges over tokens 1..n-1, with one empty range (NaN row and column) in the middle."""
    bounds = list(range(1, n, width)) + [n]
    ranges = list(zip(bounds[:-1], bounds[1:]))
    middle = len(ranges) // 2
    return ranges[:middle] + [(ranges[middle][0], ranges[middle][0])] + ranges[middle:]


def test_describe_is_a_frozen_dataclass_matching_the_model(client):
    info = client.describe()
    assert info.synthetic_weights and info.contract_version == 1
    assert len(info.kv_head_of_query_head) == info.num_query_heads
    assert info.kv_head_of_query_head[-1] == info.num_kv_heads - 1
    assert info.architecture in ("Qwen2ForCausalLM", "LlamaForCausalLM")
    assert {"attention.raw", "attention.pooled", "logits.nucleus"} <= info.capabilities
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.num_layers = 1


def test_tokenize_spans_prefix_counts_and_both_offset_units(client):
    text = "Let 𝑥 = 2. Then 𝑥² = 4 🙂, so\nthe answer is 4."  # characters outside the BMP: 2 UTF-16 units each
    cut = text.index("Then")
    t = client.tokenize(text, [0, cut, len(text)], units="codepoint")
    info = client.describe()
    assert t.ids[0] == info.bos_token_id and (t.codepoint_starts[0], t.codepoint_ends[0]) == (0, 0)
    # Code-point spans are Python str slices that rebuild the text (byte-level BPE splits a character outside
    # the BMP into several tokens that share its span); UTF-16 spans are shifted by the pairs before them.
    pieces, cursor = [], 0
    for s, e in zip(t.codepoint_starts[1:], t.codepoint_ends[1:]):
        if s >= cursor:
            pieces.append(text[s:e])
            cursor = e
    assert "".join(pieces) == text
    pairs_before = np.array([sum(ord(c) > 0xFFFF for c in text[:s]) for s in t.codepoint_starts])
    assert np.array_equal(t.utf16_starts, t.codepoint_starts + pairs_before)
    assert t.utf16_ends[-1] == len(text.encode("utf-16-le")) // 2
    # Prefix counts: the number of tokens of text[:o], BOS counted, checked by tokenising the prefix itself.
    assert t.prefix_token_counts[0] == 0
    assert t.prefix_token_counts[1] == len(client.tokenize(text[:cut]).ids)
    assert t.prefix_token_counts[2] == len(t.ids)
    # The same offsets in UTF-16 units give the same counts.
    in_utf16 = client.tokenize(text, ta.to_utf16(text, [0, cut, len(text)]), units="utf16")
    assert np.array_equal(in_utf16.prefix_token_counts, t.prefix_token_counts)


def test_raw_rows_are_causal_probability_rows(client, trace_text):
    ids = client.tokenize(trace_text[:400]).ids
    raw = client.attention(ids, ta.RAW, layers=[0, 2], heads=[3, 1])
    n = len(ids)
    assert raw.shape == (2, 2, n, n) and raw.dtype == np.float32
    assert np.allclose(raw.sum(-1), 1.0, atol=1e-5)
    assert np.all(raw[..., np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] == 0)  # no key after its query
    assert np.all(raw >= 0)


def test_pooled_is_the_block_mean_of_raw(client, trace_text):
    ids = client.tokenize(trace_text[:600]).ids
    ranges = _ranges(len(ids), 23)
    suppression = ta.Suppression([(30, 45)], {1: [0, 2]})
    raw = client.attention(ids, ta.RAW, suppression=suppression)
    pooled = client.attention(ids, ta.POOLED, pool_ranges=ranges, suppression=suppression)
    info = client.describe()
    assert pooled.shape == (info.num_layers, info.num_query_heads, len(ranges), len(ranges))
    expected = np.full(pooled.shape, np.nan)
    for i, (a, b) in enumerate(ranges):
        for j, (c, d) in enumerate(ranges):
            if b > a and d > c:
                expected[:, :, i, j] = raw[:, :, a:b, c:d].mean(axis=(-2, -1))
    assert np.allclose(pooled, expected, atol=1e-6, equal_nan=True)
    empty = next(i for i, (a, b) in enumerate(ranges) if a == b)
    assert np.isnan(pooled[:, :, empty]).all() and not np.isnan(np.delete(pooled[:, :, 0], empty, axis=-1)).any()


def test_layers_stream_in_order_and_heads_follow_the_request(client, trace_text):
    ids = client.tokenize(trace_text[:300]).ids
    everything = client.attention(ids, ta.RAW)
    streamed = list(client.attention_layers(ids, ta.RAW, layers=[2, 0], heads=[3, 0]))
    assert [layer for layer, _ in streamed] == [0, 2]
    for layer, values in streamed:
        assert np.allclose(values, everything[layer][[3, 0]], atol=1e-6)
    assert np.array_equal(client.attention(ids, ta.RAW, layers=[], heads=[]), everything)  # empty = all, as on the wire


def test_leaving_a_layer_stream_early_cancels_it(qwen, trace_text):
    ids = qwen.tokenize(trace_text).ids
    layers = qwen.attention_layers(ids, ta.RAW)
    first, _ = next(layers)
    layers.close()  # the forward on the worker stops; the next call is served at once
    assert first == 0
    assert qwen.attention(ids[:20], ta.RAW, layers=[0]).shape[-1] == 20


def test_suppression_changes_only_what_the_mask_can_reach(client, trace_text):
    ids = client.tokenize(trace_text[:500]).ids
    start, end = 60, 80
    layer, head = 1, 2
    suppressed = ta.Suppression([(start, end)], {layer: [head]})
    base = client.attention(ids, ta.RAW, layers=[layer])[0]
    masked = client.attention(ids, ta.RAW, layers=[layer], suppression=suppressed)[0]
    assert np.all(masked[head, :, start:end] == 0)  # no query attends to the masked keys ...
    assert np.allclose(masked[head, start:].sum(-1), 1.0, atol=1e-5)  # ... and rows renormalise
    others = [h for h in range(base.shape[0]) if h != head]
    assert np.allclose(masked[others], base[others], atol=1e-6)  # other heads of the layer see the same input
    assert np.allclose(masked[head, :start], base[head, :start], atol=1e-6)  # earlier queries cannot see it
    # Logits: positions before the range are unchanged, later ones move (full recompute: every position computed).
    positions = list(range(start - 15, start + 30))
    result = client.logits(ids, [ta.BASELINE, suppressed], full_positions=positions, full_recompute=True)
    before = [p for p in positions if p < start]
    after = [p for p in positions if p >= start]
    assert all(np.allclose(result[1].full_at(p), result[0].full_at(p), atol=1e-5) for p in before)
    assert max(np.abs(result[1].full_at(p) - result[0].full_at(p)).max() for p in after) > 1e-3


def test_nucleus_agrees_with_the_full_logits_it_compresses(client, trace_text):
    ids = client.tokenize(trace_text).ids[:300]
    spec = ta.NucleusSpec(top_p=0.002, max_k=1000, temperature=0.6)  # near-uniform random models: k < max_k
    positions = [0, 7, 150, len(ids) - 1]
    result = client.logits(ids, [ta.BASELINE, ta.Suppression([(100, 130)])], nucleus=spec, full_positions=positions)
    below_cap = 0
    for variant in result:
        nucleus = variant.nucleus
        assert len(nucleus) == len(ids) and nucleus.offsets[0] == 0 and nucleus.offsets[-1] == len(nucleus.token_ids)
        for p in positions:
            z = variant.full_at(p).astype(np.float64)
            pi = np.exp((z - z.max()) / spec.temperature)
            pi /= pi.sum()
            order = np.argsort(-pi, kind="stable")
            k = min(int(np.searchsorted(np.cumsum(pi[order]), spec.top_p)) + 1, spec.max_k)
            kept = nucleus.ids_at(p)
            below_cap += k < spec.max_k
            assert abs(len(kept) - k) <= 1, (variant.variant, p)  # a near-tie may cross the boundary
            assert len(set(kept) ^ set(order[:k])) <= 2, (variant.variant, p)
            assert np.allclose(nucleus.logits_at(p), z[kept], atol=1e-4)
            assert nucleus.retained_mass[p] == pytest.approx(pi[kept].sum(), rel=1e-4)
            assert np.all(np.diff(pi[kept]) <= 1e-12)  # descending probability
    assert below_cap > 0


def test_prefix_reuse_equals_full_recompute_and_borrows_the_baseline_prefix(client, trace_text):
    ids = client.tokenize(trace_text).ids[:360]
    variants = [ta.BASELINE, ta.Suppression([(120, 160)]), ta.Suppression([(300, 330), (200, 210)], {1: [0, 3]})]
    spec = ta.NucleusSpec(top_p=0.9, max_k=20)
    reused = client.logits(ids, variants, nucleus=spec, full_positions=[-1, 5])
    full = client.logits(ids, variants, nucleus=spec, full_positions=[-1, 5], full_recompute=True, batch_size=2)
    assert [v.first_position for v in reused] == [0, 120, 200]
    assert [v.first_position for v in full] == [0, 0, 0]
    for r, f in zip(reused, full):
        for p in range(len(ids)):
            assert np.allclose(np.sort(r.nucleus.logits_at(p)), np.sort(f.nucleus.logits_at(p)), atol=1e-4), p
            assert len(set(r.nucleus.ids_at(p)) ^ set(f.nucleus.ids_at(p))) <= 2, p
        assert sorted(r.full_logits) == [5, len(ids) - 1]
        assert all(np.allclose(r.full_logits[p], f.full_logits[p], atol=1e-4) for p in r.full_logits)
    # Positions a variant did not ship are the baseline's, exactly.
    base = reused[0].nucleus
    for v in reused[1:]:
        cut = v.first_position
        assert np.array_equal(v.nucleus.offsets[: cut + 1], base.offsets[: cut + 1])
        assert np.array_equal(v.nucleus.token_ids[: base.offsets[cut]], base.token_ids[: base.offsets[cut]])


def test_without_a_baseline_variant_the_client_asks_for_one_and_drops_it(qwen, trace_text):
    ids = qwen.tokenize(trace_text).ids[:200]
    spec = ta.NucleusSpec(max_k=10)
    alone = qwen.logits(ids, [ta.Suppression([(100, 120)])], nucleus=spec)
    with_base = qwen.logits(ids, [ta.BASELINE, ta.Suppression([(100, 120)])], nucleus=spec)
    assert len(alone) == 1 and alone[0].first_position == 100 and len(alone[0].nucleus) == len(ids)
    for name in ("offsets", "token_ids", "logits", "retained_mass"):
        assert np.array_equal(getattr(alone[0].nucleus, name), getattr(with_base[1].nucleus, name))


def test_text_input_equals_token_ids_input(qwen, trace_text):
    text = trace_text[:200]
    ids = qwen.tokenize(text).ids
    by_text = qwen.logits(text, [ta.BASELINE], full_positions=[-1])
    by_ids = qwen.logits(ids, [ta.BASELINE], full_positions=[-1])
    assert by_text.num_tokens == len(ids)
    assert np.array_equal(by_text[0].full_at(-1), by_ids[0].full_at(-1))


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("call, field", [
    (lambda c, ids: c.attention(ids, ta.POOLED), "pool_ranges"),
    (lambda c, ids: c.attention(ids, ta.RAW, heads=[99]), "heads"),
    (lambda c, ids: c.attention(ids, ta.RAW, suppression=ta.Suppression([(0, 3)])), "starts at 0"),
    (lambda c, ids: c.logits(ids, [ta.BASELINE], full_positions=[len(ids)]), "full_logit_positions"),
    (lambda c, ids: c.logits(ids, [ta.BASELINE]), "nothing to return"),
    (lambda c, ids: c.tokenize(""), "text is empty"),
    (lambda c, ids: c.tokenize("abc", [9]), "prefix_char_offsets"),
])
def test_bad_requests_raise_invalid_argument_with_the_workers_message(qwen, call, field):
    ids = qwen.tokenize("Solve 2+2 carefully.").ids
    with pytest.raises(ta.InvalidArgumentError) as info:
        call(qwen, ids)
    assert info.value.code.name == "INVALID_ARGUMENT" and field in info.value.details
    assert info.value.verb in str(info.value)


def test_a_busy_worker_is_retried_until_the_call_times_out_then_until_it_is_free(tmp_path, trace_text):
    from conftest import Worker

    worker = Worker("tiny-qwen2", tmp_path, "--max-waiting", "0")
    try:
        with ta.connect(worker.address, initial_backoff=0.05, max_backoff=0.2) as c:
            ids = c.tokenize(trace_text).ids
            # A generation holds the worker's only slot for as long as it runs, however much of its stream the
            # transport buffers (a streamed attention of a tiny model can fit in HTTP/2 flow-control windows
            # whole, and its slot then frees while this client still holds the generator).
            running = c.generate(trace_text[:200], max_new_tokens=4000)
            next(running)
            started = time.monotonic()
            with pytest.raises(ta.ResourceExhaustedError, match="busy"):
                c.attention(ids[:10], ta.RAW, layers=[0], timeout=1.5)
            assert time.monotonic() - started > 0.5  # refused, retried, refused again until the timeout was near
            # The slot frees while the next call is being refused: a retry then gets it.
            threading.Timer(0.8, running.close).start()
            assert c.attention(ids[:10], ta.RAW, layers=[0], timeout=30)[0].shape[-1] == 10
    finally:
        worker.stop()


def test_no_worker_raises_unavailable():
    with ta.connect("127.0.0.1:1", max_attempts=2, initial_backoff=0.05, max_backoff=0.1) as c:
        with pytest.raises(ta.UnavailableError) as info:
            c.describe()
    assert info.value.code.name == "UNAVAILABLE"


def test_deadlines_raise_deadline_exceeded(qwen, trace_text):
    ids = qwen.tokenize(trace_text).ids
    with pytest.raises(ta.DeadlineExceededError):
        qwen.attention(ids, ta.RAW, timeout=0.001)


def test_closing_the_client_cancels_a_running_stream(workers, trace_text):
    c = ta.connect(workers["tiny-qwen2"].address)
    ids = c.tokenize(trace_text).ids
    layers = c.attention_layers(ids, ta.RAW)
    next(layers)
    c.close()
    with pytest.raises(ta.CallCancelledError):
        list(layers)


# ---------------------------------------------------------------------------------------------- several workers


def test_several_addresses_share_calls_round_robin(workers):
    """Two workers with different tokenizers (never do this for real): their BOS ids tell who answered."""
    bos = set()
    for worker in workers.values():
        with ta.connect(worker.address) as one:
            bos.add(one.describe().bos_token_id)
    assert len(bos) == 2
    with ta.connect([w.address for w in workers.values()]) as c:
        seen: set[int] = set()
        for _ in range(40):
            seen.add(int(c.tokenize("hello").ids[0]))
            if seen == bos:
                break
            threading.Event().wait(0.05)  # subchannels connect in the background
    assert seen == bos


def test_a_dead_address_among_live_ones_is_skipped(workers):
    with ta.connect(f"127.0.0.1:1,{workers['tiny-qwen2'].address}", initial_backoff=0.05, max_backoff=0.2) as c:
        assert all(len(c.tokenize("hello world").ids) > 1 for _ in range(6))
