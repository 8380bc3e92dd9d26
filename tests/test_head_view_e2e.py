"""`ta head-view` against a real tiny-qwen2 worker, checked against transformers' own eager attention.

The page's numbers must be the worker's float32 attention of exactly the heads asked for; they are compared with
`output_attentions` of an eager tiny-qwen2 built here from the same spec and seed (not the worker's kernel). The
page is then opened in headless Chromium: every matrix drawn, a hovered cell's tooltip showing that pair and its
weight, a clicked token colouring the text by its attention. A text too long for a token view is refused with one
line naming the sentence-level report, and nothing is written.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from transformers import AutoConfig, AutoModelForCausalLM

from conftest import REPO, run_ta
from report_browser import ARTIFACTS, run_page_check
from thought_anchors_worker import synthetic
from thought_anchors_worker.backends.hf.tokenizer import load_npm_tokenizer

# Markup, an entity and quotes (escaping), a line break and double spaces (whitespace markers).
TEXT = 'The cat sat on the <mat>. It was "sleeping" & dreaming.\nThen  it woke up.'
HEADS = [(1, 0), (1, 3), (2, 1)]
DATA_BLOCK = re.compile(r'<script type="application/json" id="head-view-data">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="module")
def eager_tiny_qwen2():
    """tiny-qwen2 rebuilt from its spec (same seed, same weights) with transformers' stock eager attention."""
    spec = synthetic.load_spec(synthetic.spec_path("tiny-qwen2"))
    config = AutoConfig.for_model(**spec["config"])
    config._attn_implementation = "eager"
    torch.manual_seed(spec.get("seed", 0))
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.eval()
    return model, load_npm_tokenizer(spec["tokenizer"])


def _page_data(page: str) -> dict:
    match = DATA_BLOCK.search(page)
    assert match, "the page has its data block"
    return json.loads(match.group(1))


def _eager_attention(model, ids: list[int]) -> list[np.ndarray]:
    with torch.inference_mode():
        attentions = model(input_ids=torch.tensor([ids]), output_attentions=True, use_cache=False).attentions
    return [a[0].numpy() for a in attentions]


@pytest.fixture(scope="module")
def head_view(worker, tmp_path_factory):
    out = tmp_path_factory.mktemp("head-view") / "view" / "heads.html"
    run = run_ta("head-view", "--text", TEXT, "--heads", ",".join(f"{l}:{h}" for l, h in HEADS),
                 "--worker", worker.address, "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert f"page: {out}" in run.stdout and "SYNTHETIC" in run.stdout
    return out


def test_page_holds_the_workers_tokens_and_eager_attention_of_the_asked_heads(head_view, eager_tiny_qwen2):
    model, tokenizer = eager_tiny_qwen2
    page = head_view.read_text(encoding="utf-8")
    assert [p.name for p in head_view.parent.iterdir()] == ["heads.html"], "no temporary file left"
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=", page), "nothing loaded from elsewhere"
    data = _page_data(page)

    ids = [t["id"] for t in data["tokens"]]
    assert ids == tokenizer(TEXT)["input_ids"], "the worker's tokens, BOS first"
    labels = [t["label"] for t in data["tokens"]]
    assert labels[0] == "<|endoftext|>"
    assert "".join(labels[1:]) == TEXT.replace(" ", "·").replace("\n", "↵")
    markup = DATA_BLOCK.sub("", page)
    assert "<mat" not in markup and "&lt;" in markup and "&amp;" in markup, "the text reaches the page escaped"

    assert [(h["layer"], h["head"]) for h in data["heads"]] == HEADS, "exactly the heads asked for, in order"
    eager = _eager_attention(model, ids)
    n = len(ids)
    for h in data["heads"]:
        rows = h["rows"]
        assert [len(r) for r in rows] == list(range(1, n + 1)), "row q holds keys 0..q"
        got = np.zeros((n, n), dtype=np.float64)
        for q, row in enumerate(rows):
            got[q, : q + 1] = row
            # float32 numbers written so that they read back as float32 without change
            assert all(np.float32(w) == w for w in row)
        expected = eager[h["layer"]][h["head"]]
        assert np.abs(np.triu(expected, 1)).max() == 0.0
        assert np.abs(got - expected).max() < 2e-6, (h["label"], np.abs(got - expected).max())
        assert np.allclose(got.sum(axis=1), 1.0, atol=1e-5)


def _check_in_browser(page, hover, click) -> dict:
    return run_page_check("check_head_view.mjs", page, str(ARTIFACTS / "head-view-browser.png"),
                          "--hover", ",".join(map(str, hover)), "--click", ",".join(map(str, click)))


def test_page_in_the_browser_draws_hovers_and_follows_a_clicked_token(head_view, eager_tiny_qwen2):
    model, _ = eager_tiny_qwen2
    data = _page_data(head_view.read_text(encoding="utf-8"))
    n = len(data["tokens"])
    labels = [t["label"] for t in data["tokens"]]
    eager = _eager_attention(model, [t["id"] for t in data["tokens"]])
    q, k = n - 3, 4
    clicked = n // 2
    summary = _check_in_browser(head_view, hover=(1, q, k), click=(2, clicked))

    assert [m["cells"] for m in summary["matrices"]] == [n * (n + 1) // 2] * len(HEADS), "the lower triangle"
    for m in summary["matrices"]:
        assert m["columnLabels"] == n and len(m["rowLabels"]) == n
        assert m["rowLabels"][5] == labels[5][:14]

    layer, head = HEADS[1]
    hover = summary["hover"]
    assert hover["visible"], hover
    assert f"query  {q} {labels[q]}" in hover["text"] and f"key    {k} {labels[k]}" in hover["text"], hover
    shown = float(re.search(r"weight (\S+)", hover["text"]).group(1))
    assert shown == pytest.approx(eager[layer][head][q, k], rel=2e-5, abs=1e-7)

    click = summary["click"]
    layer, head = HEADS[2]
    assert click["picker"] == clicked and click["query"] == [clicked] and click["rowLabelQuery"] == [clicked]
    assert click["future"] == n - 1 - clicked, "keys after the query are greyed out, without a weight"
    keys = [i for i, _, _ in click["weights"]]
    assert keys == list(range(clicked + 1))
    for key, weight, _ in click["weights"]:
        assert weight == pytest.approx(eager[layer][head][clicked, key], rel=2e-5, abs=1e-7)
    strongest = int(np.argmax(eager[layer][head][clicked, : clicked + 1]))
    assert f"strongest keys {strongest} {labels[strongest]} " in click["topKeys"], click["topKeys"]
    # Each key is shaded by its weight (the browser keeps the alpha in steps of 1/255 or so), or with the row
    # scale ticked by its share of the row's largest weight.
    row = eager[layer][head][clicked, : clicked + 1]
    for key, weight, colour in click["weights"]:
        assert abs(_alpha(colour) - weight) < 0.005, (key, weight, colour)
    assert [key for key, _ in summary["rowScaled"]] == keys
    for key, colour in summary["rowScaled"]:
        assert abs(_alpha(colour) - row[key] / row.max()) < 0.005, (key, colour)


def _alpha(css_colour: str) -> float:
    return float(re.findall(r"[\d.]+", css_colour)[3]) if css_colour.startswith("rgba") else 1.0


def test_layer_and_head_options_and_bad_heads(worker, tmp_path):
    out = tmp_path / "one.html"
    run = run_ta("head-view", "--text", "Two plus two is four.", "--layer", "3", "--head", "0", "--head", "2",
                 "--worker", worker.address, "--out", str(out))
    assert run.returncode == 0, run.stderr
    data = _page_data(out.read_text(encoding="utf-8"))
    assert [(h["layer"], h["head"]) for h in data["heads"]] == [(3, 0), (3, 2)]

    again = run_ta("head-view", "--text", "Two plus two is four.", "--layer", "3", "--head", "0",
                   "--worker", worker.address, "--out", str(out))
    assert again.returncode == 5 and "--force" in again.stderr, again.stderr

    missing = run_ta("head-view", "--text", "x", "--heads", "9:0", "--worker", worker.address,
                     "--out", str(tmp_path / "none.html"))
    assert missing.returncode == 2 and "no head L9H0" in missing.stderr, missing.stderr
    both = run_ta("head-view", "--text", "x", "--heads", "1:0", "--layer", "1", "--head", "0",
                  "--worker", worker.address, "--out", str(tmp_path / "none.html"))
    assert both.returncode == 2 and "not both" in both.stderr, both.stderr
    assert not (tmp_path / "none.html").exists()


def test_too_long_text_is_refused_with_one_line_and_nothing_written(worker, tmp_path, eager_tiny_qwen2):
    _, tokenizer = eager_tiny_qwen2
    text = "The cat sat on the mat. " * 40
    tokens = len(tokenizer(text)["input_ids"])
    assert tokens > 200
    text_file = tmp_path / "long.txt"
    text_file.write_text(text + "\n", encoding="utf-8")  # the final line break is dropped
    out = tmp_path / "out" / "long.html"
    run = run_ta("head-view", "--text-file", str(text_file), "--layer", "0", "--head", "0",
                 "--worker", worker.address, "--out", str(out))
    assert run.returncode == 3, (run.returncode, run.stderr)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert f"{tokens} tokens" in lines[0] and "200" in lines[0] and "ta receivers" in lines[0] and "ta report" in lines[0]
    assert not out.parent.exists(), "nothing written"
