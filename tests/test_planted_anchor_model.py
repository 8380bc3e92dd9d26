"""The committed planted-qwen2 model and tokenizer through the ordinary from_pretrained path (fast, no worker).

The model was trained on the planted-anchor task (models/planted-anchor/); these held-out traces were never
trained on. It must state the secret its anchor sentence fixed: argmax at the position that predicts the
secret in the final sentence.
"""

from __future__ import annotations

import json
import sys

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from conftest import REPO

MODEL = REPO / "model-worker" / "src" / "thought_anchors_worker" / "trained" / "planted-qwen2"
HELDOUT = REPO / "data" / "planted-anchor" / "heldout.jsonl"
sys.path.insert(0, str(REPO / "models" / "planted-anchor"))
import planted_task  # noqa: E402

MIN_ACCURACY = 0.9  # measured: see models/planted-anchor/README.md
MIN_FOLLOW_RATE = 0.6


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(MODEL)


@pytest.fixture(scope="module")
def model():
    return AutoModelForCausalLM.from_pretrained(MODEL).eval()


@pytest.fixture(scope="module")
def heldout():
    return [json.loads(line) for line in HELDOUT.read_text().splitlines()]


def test_tokenizer_is_fast_with_bos_special_think_tags_and_character_offsets(tokenizer, heldout):
    assert tokenizer.is_fast
    text = heldout[0]["prompt"] + heldout[0]["solution"]
    enc = tokenizer(text, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    assert ids[0] == tokenizer.bos_token_id and ids.count(tokenizer.bos_token_id) == 1
    for tag in ("<think>", "</think>"):
        tag_id = tokenizer.convert_tokens_to_ids(tag)
        assert tokenizer(tag, add_special_tokens=False)["input_ids"] == [tag_id]
        (at,) = [i for i, t in enumerate(ids) if t == tag_id]
        assert text[offsets[at][0]:offsets[at][1]] == tag
    assert all(end > start for start, end in offsets[1:])
    assert all(offsets[i][1] <= offsets[i + 1][0] for i in range(1, len(ids) - 1))
    for i in range(1, len(ids)):  # every token is the text its offsets cover (byte-level BPE: spaces included)
        assert tokenizer.decode([ids[i]]) == text[offsets[i][0]:offsets[i][1]], i


def test_tokenizer_is_the_one_the_training_script_builds(tokenizer, heldout):
    """AutoTokenizer rebuilds a qwen2 folder's tokenizer as Qwen2Tokenizer; it must give the same tokens."""
    built = planted_task.build_tokenizer()
    for trace in heldout:
        text = trace["prompt"] + trace["solution"]
        assert tokenizer(text, return_offsets_mapping=True) == built(text, return_offsets_mapping=True)


def test_held_out_traces_are_the_generator_output_the_splitter_agrees_with(heldout):
    for trace in heldout:
        chunks = planted_task.split_into_chunks(trace["prompt"] + trace["solution"])
        assert chunks == [s["text"] for s in trace["sentences"]]
        assert trace["sentences"][trace["anchor_sentence"]]["role"] == "anchor"
        assert trace["answer"] in trace["sentences"][trace["anchor_sentence"]]["text"]


def _greedy_answer(model, tokenizer, prompt: str, cot: str, secret: str) -> str:
    """The model's greedy next token where the final sentence states the secret."""
    prefix = prompt + cot[:cot.rindex(" " + secret)]
    with torch.no_grad():
        logits = model(torch.tensor([tokenizer(prefix)["input_ids"]])).logits[0, -1]
    return tokenizer.decode([int(logits.argmax())])


def test_model_states_the_anchored_secret_on_held_out_traces(model, tokenizer, heldout):
    answers = [_greedy_answer(model, tokenizer, t["prompt"], t["cot"], t["answer"]) for t in heldout]
    accuracy = sum(a == " " + t["answer"] for a, t in zip(answers, heldout)) / len(heldout)
    assert accuracy >= MIN_ACCURACY, f"held-out answer accuracy {accuracy:.2f}: {answers}"


def test_the_answer_follows_the_anchor_when_its_secret_is_rewritten(model, tokenizer, heldout):
    """Control: write another secret into the anchor sentence alone, and the model states that one, so it
    reads the answer from the anchor and not from the comparisons (which now contradict it)."""
    followed = 0
    for trace in heldout:
        anchor = trace["sentences"][trace["anchor_sentence"]]["text"]
        other = planted_task.NUMBER_WORDS[(planted_task.NUMBER_WORDS.index(trace["answer"]) + 10) % 20]
        cot = trace["cot"].replace(anchor, anchor.replace(trace["answer"], other), 1)
        cot = cot[:cot.rindex(" " + trace["answer"])] + " " + other + "."
        followed += _greedy_answer(model, tokenizer, trace["prompt"], cot, other) == " " + other
    assert followed / len(heldout) >= MIN_FOLLOW_RATE, f"followed the rewritten anchor in {followed}/{len(heldout)}"
