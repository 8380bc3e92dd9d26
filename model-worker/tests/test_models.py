"""The hf backend's model loading: the real from_pretrained path (a local directory), and refusals with
clear errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from thought_anchors_worker import backends
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
