"""The README's main command (`make demo` = scripts/demo.sh) end to end, then its report in a real browser.

scripts/demo.sh starts its own tiny-qwen2 worker (`--local`), computes one trace's suppression matrix and runs
`ta report` over the shipped Qwen sample, then the same with planted-qwen2 over its held-out traces. Random weights: this checks the pipeline, not the science. The page's
embedded numbers are checked against the CSV files written beside it and against an independent Python
computation of the Figure 6 colour range (docs/algorithms.md §12.5).
"""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys

import pytest

from conftest import QWEN_SAMPLE, REPO, run_ta
from report_browser import ARTIFACTS, check_report

sys.path.insert(0, str(REPO / "models" / "planted-anchor"))
import measure as planted_measure  # noqa: E402

FOCUS = "deepseek-r1-distill-qwen-14b/correct/2238"
FIGURES = ["fig4a_receiver_head_matrix", "fig4b_layer_vertical_scores", "fig4c_kurtosis_by_layer",
           "fig4d_kurtosis_histogram", "fig4e_split_half_reliability", "fig5_receiver_score_by_category",
           "fig6a_suppression_matrix", "fig6b_suppression_by_distance", "receiver_vs_counterfactual",
           "sentence_receiver_scores", "sentence_vertical_scores"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo"
    result = subprocess.run([str(REPO / "scripts" / "demo.sh"), str(out)], capture_output=True, text=True,
                            timeout=900, cwd=REPO)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return out, result


def _page_data(index_html):
    page = index_html.read_text()
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert match, "the page embeds its data"
    return json.loads(match.group(1))


def _csv_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _matrix(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    return [[float(x) for x in row[1:]] for row in rows[1:]]


def _quantile(values, q):
    """Linear interpolation between closest ranks (NumPy's default), written out."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_demo_writes_every_figure_the_page_and_the_results(demo):
    out, result = demo
    report = out / "report"
    for stem in FIGURES:
        png = report / "figures" / f"{stem}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    for name in ["index.html", "report.json", "run.json", "sentence_scores.csv", "top_heads.csv",
                 "category_tests.csv", "results.json"]:
        assert (report / name).is_file(), name
    summary = json.loads((report / "report.json").read_text())
    assert summary["focus_trace"] == FOCUS and summary["skipped"] == {}
    assert [f["id"] for f in summary["figures"]] == FIGURES
    assert not re.search(r"\d+%\s*\[", result.stderr), "no progress bar in a piped stderr"
    assert "SYNTHETIC" in result.stdout


def test_demo_planted_report_finds_the_planted_anchor_and_says_what_the_model_is(demo):
    """The demo's second report: planted-qwen2 on its held-out traces. Its page carries the worker's note
    (trained weights, synthetic task, not a real model) and its receiver heads find the planted sentence."""
    out, result = demo
    report = out / "planted" / "report"
    assert "Not a real model" in (report / "index.html").read_text()
    assert json.loads((report / "report.json").read_text())["focus_trace"] == "planted-qwen2/correct/1"
    found = planted_measure.top_receiver(report / "sentence_scores.csv", planted_measure.heldout())
    assert found["rate"] >= 0.6 and found["rate"] >= 5 * found["chance"], found
    assert "planted/report/index.html" in result.stdout
    # ... each against its control: the heads' kurtosis against the re-segmentation null, the suppression cells
    # against their placebo spans (whose curve Figure 6B draws)
    data = _page_data(report / "index.html")
    assert data["controls"]["nullComputed"] and data["suppression"]["placeboByDistance"]
    heads = [r for r in _csv_rows(report / "head_controls.csv") if r["top_rank"]]
    assert heads and all(0 < float(r["p"]) <= 1 for r in heads)
    summary = _csv_rows(out / "planted" / "suppression" / "suppression_placebo_summary.csv")
    assert summary and int(summary[-1]["cells"]) > 0


def test_page_numbers_match_the_result_files(demo):
    out, _ = demo
    report = out / "report"
    data = _page_data(report / "index.html")
    assert data["settings"]["syntheticWeights"] is True

    by_trace = {}
    for row in _csv_rows(report / "sentence_scores.csv"):
        by_trace.setdefault(row["trace_id"], []).append(float(row["receiver_score"]))
    assert [t["traceId"] for t in data["traces"]] == list(by_trace)
    for trace in data["traces"]:
        expected = [None if math.isnan(x) else pytest.approx(x, rel=1e-5) for x in by_trace[trace["traceId"]]]
        assert trace["receiverScore"] == expected, "NaN is null in the page"
        assert all(text for text in trace["text"]), "every sentence carries its text for the tooltips"

    top = _csv_rows(report / "top_heads.csv")[0]
    assert (data["focus"]["head"]["layer"], data["focus"]["head"]["head"]) == (int(top["layer"]), int(top["head"]))

    normalised = _matrix(out / "suppression" / FOCUS / "suppression_matrix_normalised.csv")
    shown = data["suppression"]["normalised"]
    n = len(normalised)
    for i in range(n):
        for j in range(i):
            assert shown[i][j] == pytest.approx(normalised[i][j], rel=1e-5, abs=1e-9), (i, j)
    far_below = [normalised[i][j] for i in range(n) for j in range(n) if i - j >= 11]
    assert data["suppression"]["colourLow"] == pytest.approx(_quantile(far_below, 0.5), rel=1e-5)
    assert data["suppression"]["colourHigh"] == pytest.approx(_quantile(far_below, 0.998), rel=1e-5)


def test_page_in_a_real_browser_draws_every_chart_and_hovers_show_sentence_text(demo):
    out, _ = demo
    data = _page_data(out / "report" / "index.html")
    summary = check_report(out / "report" / "index.html", ARTIFACTS / "report-demo.png",
                           hover_screenshot=ARTIFACTS / "report-demo-hover.png")
    assert {c["id"] for c in summary["charts"]} == set(FIGURES) | {"head_controls"}
    assert summary["blocked"] == 0, "the page fetches nothing"
    texts = {t for trace in data["traces"] for t in trace["text"]}
    hovers = [h for h in summary["hovers"] if h["ok"]]
    assert len(hovers) == len(summary["hovers"]) >= 4, summary["hovers"]
    for hover in hovers:
        if hover["chart"] == "fig5_receiver_score_by_category":
            # A category mean: its name and bootstrap interval, not a sentence.
            assert any(c in hover["text"] for c in data["categories"]["names"]) and "95% CI" in hover["text"], hover
            continue
        if hover["chart"] != "head_controls":
            assert any(t in hover["text"] for t in texts), f"tooltip shows a sentence's text: {hover}"
    # the controls chart draws what head_controls.csv holds, receiver heads in rank order
    with open(out / "report" / "head_controls.csv", newline="") as handle:
        rows = sorted((r for r in csv.DictReader(handle) if r["top_rank"]), key=lambda r: int(r["top_rank"]))
    shown = data["controls"]["heads"]
    assert [h["label"] for h in shown] == [f"L{r['layer']}H{r['head']}" for r in rows]
    for h, r in zip(shown, rows):
        assert h["recencyShare"] == pytest.approx(float(r["recency_share"]), rel=1e-5)


def test_report_from_the_cache_needs_no_worker(demo, tmp_path):
    out, _ = demo
    again = tmp_path / "again"
    result = run_ta("report", "--data", str(QWEN_SAMPLE), "--suppression", str(out / "suppression"),
                    "--trace", "2238", "--cache", str(out / ".ta-cache"), "--out", str(again), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert json.loads((again / "run.json").read_text())["worker"]["contacted"] is False
    assert (again / "sentence_scores.csv").read_text() == (out / "report" / "sentence_scores.csv").read_text()
    first, second = _page_data(out / "report" / "index.html"), _page_data(again / "index.html")
    assert first["focus"] == second["focus"] and first["suppression"] == second["suppression"]


def test_report_refuses_an_existing_folder_and_names_missing_results(demo, tmp_path):
    out, _ = demo
    existing = run_ta("report", "--data", str(QWEN_SAMPLE), "--cache", str(out / ".ta-cache"),
                      "--out", str(out / "report"), "--no-progress")
    assert existing.returncode == 5 and "pass --force" in existing.stderr
    missing = run_ta("report", "--data", str(QWEN_SAMPLE), "--suppression", str(out / "suppression"),
                     "--trace", "3448", "--cache", str(out / ".ta-cache"), "--out", str(tmp_path / "r"),
                     "--no-progress")
    assert missing.returncode == 3, missing.stderr
    assert "results missing for Figure 6" in missing.stderr and "3448" in missing.stderr
    assert not (tmp_path / "r").exists()
