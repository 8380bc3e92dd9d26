"""Model loading: the real from_pretrained path (a local directory), and refusals with clear errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from thought_anchors_worker.models import ModelLoadError, load_model


def test_local_directory_loads_through_the_real_path(qwen, tmp_path):
    qwen.model.save_pretrained(tmp_path)
    qwen.tokenizer.save_pretrained(tmp_path)
    loaded = load_model(str(tmp_path))
    assert not loaded.synthetic and loaded.model.config._attn_implementation == "thought_anchors"
    ids = torch.tensor([qwen.tokenizer("Solve 2 + 2. <think>\nFour.</think>")["input_ids"]])
    assert ids[0, 0].item() == loaded.bos_token_id == qwen.bos_token_id
    with torch.inference_mode():
        assert torch.equal(loaded.model(ids).logits, qwen.model(ids).logits)


def test_float16_and_bfloat16_loads(tmp_path):
    for dtype, expected in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
        assert load_model("tiny-llama", dtype=dtype).dtype == expected
    with pytest.raises(ModelLoadError, match="unknown dtype"):
        load_model("tiny-llama", dtype="int3")


def test_serve_exits_2_with_one_line_for_an_unknown_model():
    result = subprocess.run([sys.executable, "-m", "thought_anchors_worker", "serve", "--model", "no-such/model"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot load model 'no-such/model'") and "tiny-qwen2" in last
