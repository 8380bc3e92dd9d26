"""The hf backend's model loading: the real from_pretrained path (a local directory), and refusals with
clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from thought_anchors_worker import backends, synthetic, trained
from thought_anchors_worker.backend import LoadOptions, ModelLoadError
from thought_anchors_worker.backends.hf.loading import load_model


def test_local_directory_loads_through_the_real_path(qwen, tmp_path):
    qwen.lm.model.save_pretrained(tmp_path)
    qwen.lm.tokenizer.save_pretrained(tmp_path)
    loaded = backends.load("hf", LoadOptions(str(tmp_path)))
    assert not loaded.describe().synthetic_weights
    assert loaded.lm.model.config._attn_implementation == "thought_anchors"
    ids = qwen.tokenize("Solve 2 + 2. <think>\nFour.</think>").ids
    assert ids[0] == loaded.describe().bos_token_id == qwen.describe().bos_token_id
    assert loaded.tokenize("Solve 2 + 2. <think>\nFour.</think>").ids == ids
    inputs = torch.tensor([ids])
    with torch.inference_mode():
        assert torch.equal(loaded.lm.model(inputs).logits, qwen.lm.model(inputs).logits)


def test_a_card_less_directory_has_no_notes_and_a_card_gives_its_note(qwen, tmp_path):
    qwen.lm.model.save_pretrained(tmp_path)
    qwen.lm.tokenizer.save_pretrained(tmp_path)
    assert backends.load("hf", LoadOptions(str(tmp_path))).describe().notes == ""
    (tmp_path / trained.CARD).write_text(json.dumps({"name": "mine", "note": "Trained on my task."}))
    assert backends.load("hf", LoadOptions(str(tmp_path))).describe().notes == "Trained on my task."
    (tmp_path / trained.CARD).write_text("{}")
    with pytest.raises(ModelLoadError, match="not a model card with a note"):
        backends.load("hf", LoadOptions(str(tmp_path)))


def test_planted_qwen2_is_the_bundled_trained_folder_and_says_what_it_is():
    """A name the worker knows, loaded by from_pretrained from the folder inside the package: trained
    weights (not synthetic random ones), and Describe says it is a synthetic task, not a real model."""
    assert "planted-qwen2" in trained.names() and "planted-qwen2" not in synthetic.names()
    folder = trained.path("planted-qwen2")
    card = json.loads((folder / trained.CARD).read_text())
    loaded = backends.load("hf", LoadOptions("planted-qwen2"))
    info = loaded.describe()
    assert info.model_id == "planted-qwen2" and not info.synthetic_weights
    assert info.notes == card["note"] and "Not a real model" in info.notes and "synthetic task" in info.notes
    on_disk = AutoModelForCausalLM.from_pretrained(folder)
    assert all(torch.equal(a, b) for a, b in zip(loaded.lm.model.state_dict().values(),
                                                  on_disk.state_dict().values()))
    assert trained.path("no-such-model") is None and trained.path("../trained") is None


def test_float16_and_bfloat16_loads(tmp_path):
    for dtype, expected in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
        assert load_model("tiny-llama", dtype=dtype).model.dtype == expected
    with pytest.raises(ModelLoadError, match="unknown dtype"):
        load_model("tiny-llama", dtype="int3")


def test_serve_exits_2_with_one_line_for_an_unknown_model():
    result = subprocess.run([sys.executable, "-m", "thought_anchors_worker", "serve", "--model", "no-such/model"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot load model 'no-such/model'") and "tiny-qwen2" in last


@pytest.fixture(scope="module")
def tokenizer_files(qwen, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tokenizer")
    qwen.lm.tokenizer.save_pretrained(folder)
    return folder


def _save(config: dict, tokenizer_files, folder):
    """A model directory as a user has one: random weights from a real config, and a fast tokenizer."""
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(AutoConfig.for_model(**config)).save_pretrained(folder)
    shutil.copytree(tokenizer_files, folder, dirs_exist_ok=True)
    return str(folder)


_SMALL = {"vocab_size": 1000, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16}
_FULL_ATTENTION = {"layer_types": ["full_attention"] * 2, "sliding_window": None}


@pytest.mark.parametrize("config, reason", [
    pytest.param({"model_type": "bloom", "vocab_size": 1000, "hidden_size": 32, "n_layer": 2, "n_head": 2},
                 r"\(BloomForCausalLM\) does not dispatch attention through transformers' AttentionInterface",
                 id="bloom-no-attention-interface"),
    pytest.param({"model_type": "gemma2", **_SMALL}, "soft-caps its logits", id="gemma2"),
    pytest.param({"model_type": "gemma2", **_SMALL, **_FULL_ATTENTION, "final_logit_softcapping": None},
                 "soft-caps its attention scores", id="gemma2-attention-softcapping"),
    pytest.param({"model_type": "gemma3_text", **_SMALL}, "uses sliding-window attention", id="gemma3-layer-types"),
    pytest.param({"model_type": "mistral", **_SMALL, "sliding_window": 64}, "uses sliding-window attention",
                 id="mistral-sliding-window"),
])
def test_an_unsupported_model_is_refused_at_load(tokenizer_files, tmp_path, config, reason):
    """Loaded as serve loads a user's model directory (backends.load -> from_pretrained)."""
    with pytest.raises(ModelLoadError, match=reason):
        backends.load("hf", LoadOptions(_save(config, tokenizer_files, tmp_path)))


def test_the_same_architecture_with_full_attention_loads(tokenizer_files, tmp_path):
    """Guards the refusals above: Mistral without a window is served (and its kernel is ours)."""
    config = {"model_type": "mistral", **_SMALL, "sliding_window": None}
    loaded = backends.load("hf", LoadOptions(_save(config, tokenizer_files, tmp_path)))
    assert loaded.describe().architecture == "MistralForCausalLM"
    assert loaded.lm.model.config._attn_implementation == "thought_anchors"
