"""The client's `generate` against real worker processes: tokens stream before the result, the result is what the
tokens say, seeded calls repeat, greedy agrees with the Logits verb's argmax, leaving the loop early cancels."""

from __future__ import annotations

import numpy as np
import pytest

import thought_anchors_client as ta

PROMPT = "Solve 2+2 step by step. <think>\n"


def test_tokens_stream_then_the_result_sums_them_up(client):
    generation = client.generate(PROMPT, max_new_tokens=12, temperature=0.9, seed=3)
    with pytest.raises(RuntimeError, match="has not finished"):
        generation.result
    tokens = list(generation)
    result = generation.result
    assert len(tokens) == 12 and result.ids == tuple(t.id for t in tokens)
    assert result.text == "".join(t.piece for t in tokens) and result.stop_reason == "max_new_tokens"
    assert result.prompt_text == PROMPT and result.prompt_tokens == len(client.tokenize(PROMPT).ids)
    again = client.generate(PROMPT, max_new_tokens=12, temperature=0.9, seed=3)
    assert tuple(t.id for t in again) == result.ids


def test_greedy_follows_the_logits_argmax(client):
    generation = client.generate(PROMPT, max_new_tokens=4)
    ids = [t.id for t in generation]
    prompt = client.tokenize(PROMPT).ids.tolist()
    positions = list(range(len(prompt) - 1, len(prompt) + 3))
    full = client.logits(prompt + ids[:-1], [ta.BASELINE], full_positions=positions)
    assert ids == [int(np.argmax(full.variants[0].full_logits[p])) for p in positions]


def test_a_stop_string_and_a_refused_request(client):
    free = list(client.generate(PROMPT, max_new_tokens=16, temperature=1.0, seed=4))
    text = "".join(t.piece for t in free)
    stop = text[len(text) // 2: len(text) // 2 + 2]
    stopped = client.generate(PROMPT, max_new_tokens=16, temperature=1.0, seed=4, stop=[stop])
    list(stopped)
    assert stopped.result.stop_reason == "stop_string" and stopped.result.stop_string == stop
    assert stop in stopped.result.text and text.startswith(stopped.result.text)
    with pytest.raises(ta.InvalidArgumentError, match="max_new_tokens=0"):
        list(client.generate(PROMPT, max_new_tokens=0))


def test_leaving_the_loop_early_cancels_the_generation(qwen):
    for _ in range(3):  # each cancelled call must free the worker's slot for the next
        generation = qwen.generate(PROMPT, max_new_tokens=4000, temperature=1.0, seed=1)
        assert len([t for _, t in zip(range(3), generation)]) == 3
        generation.close()
    short = qwen.generate(PROMPT, max_new_tokens=2, timeout=30)  # the slot is free, or this waits out its deadline
    assert len(list(short)) == 2 and short.result.stop_reason == "max_new_tokens"
