"""Token boundary modes with the real Qwen tokenizer, through the worker and `ta` (docs/algorithms.md §3, §17).

HEAD prefix counting attributes a sentence's first token to the previous sentence whenever that
sentence ends with a space: +1 on about 40% of starts and never any other amount. The
paper-era −1 character shift lands on the true boundaries found from character offsets (~98%).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import QWEN_SAMPLE, SHARED_DATA, run_ta

SHARED_QWEN = SHARED_DATA / "deepseek-r1-distill-qwen-14b"
MODES = ("HEAD_PREFIX_COUNT", "PAPER_SHIFTED_PREFIX", "OFFSETS")


def _starts(worker, data: Path, tmp: Path) -> dict[str, dict]:
    starts = {}
    for mode in MODES:
        out = tmp / mode
        result = run_ta("receivers", "--data", str(data), "--worker", worker.address, "--profile", "REF_HEAD",
                        "--boundary-mode", mode, "--out", str(out), "--cache", str(tmp / "cache"), "--no-progress")
        assert result.returncode == 0, result.stderr
        with open(out / "sentence_scores.csv", newline="") as handle:
            starts[mode] = {(r["trace_id"], r["label_index"]): int(r["token_start"]) for r in csv.DictReader(handle)}
    assert starts["HEAD_PREFIX_COUNT"].keys() == starts["OFFSETS"].keys() == starts["PAPER_SHIFTED_PREFIX"].keys()
    return starts


def _check(starts, head_shift_range):
    head, paper, offsets = (starts[m] for m in MODES)
    shifts = [head[k] - offsets[k] for k in offsets]
    assert set(shifts) == {0, 1}, "HEAD starts differ from the true first token by exactly 0 or +1"
    low, high = head_shift_range
    assert low <= shifts.count(1) / len(shifts) <= high
    assert sum(paper[k] == offsets[k] for k in offsets) / len(offsets) >= 0.98


def test_boundary_modes_on_the_sample(worker, tmp_path):
    _check(_starts(worker, QWEN_SAMPLE, tmp_path), (0.3, 0.7))


@pytest.mark.devdata
def test_boundary_modes_on_all_shared_qwen_traces(worker, tmp_path):
    _check(_starts(worker, SHARED_QWEN, tmp_path), (0.38, 0.42))  # docs/algorithms.md §3.4: 40% on Qwen
