"""The report page in a real headless browser, offline: charts drawn, tooltips showing sentence text.

The pages come from HtmlReportTest (`make test-java`, which `make test` runs first) on seeded sample models:
every part present, the optional parts missing, and the size of a real run (300 sentences, 48 × 40 heads).
"""

from __future__ import annotations

import pytest

from conftest import REPO
from report_browser import ARTIFACTS, check_report

SAMPLES = REPO / "java-analytics" / "report" / "target" / "sample-report"
ALL_CHARTS = {"fig4a_receiver_head_matrix", "fig4b_layer_vertical_scores", "fig4c_kurtosis_by_layer",
              "fig4d_kurtosis_histogram", "fig4e_split_half_reliability", "fig5_receiver_score_by_category",
              "fig6a_suppression_matrix", "fig6b_suppression_by_distance", "receiver_vs_counterfactual",
              "sentence_receiver_scores", "sentence_vertical_scores", "head_controls"}
MISSING_IN_MINIMAL = {"fig4e_split_half_reliability", "fig6a_suppression_matrix", "fig6b_suppression_by_distance",
                      "receiver_vs_counterfactual"}


def _sample(name: str):
    page = SAMPLES / name / "index.html"
    if not page.exists():
        pytest.fail(f"{page} is missing: HtmlReportTest writes it (`make test-java`)")
    return page


@pytest.mark.parametrize("sample", ["full", "large"])
def test_every_chart_draws_and_hovers_show_sentences(sample):
    suffix = "" if sample == "full" else f"-{sample}"
    summary = check_report(_sample(sample), ARTIFACTS / f"report-browser{suffix}.png",
                           hover_screenshot=ARTIFACTS / f"report-browser-hover{suffix}.png")
    assert {c["id"] for c in summary["charts"]} == ALL_CHARTS
    assert summary["blocked"] == 0 and not summary["notComputed"]
    assert summary["placeboCurve"] is True, "the samples with a suppression matrix have placebos"
    hovered = [h["chart"] for h in summary["hovers"] if h["ok"]]
    assert len(hovered) == 6, summary["hovers"]  # two traces' receiver bars, both heatmaps, a category mean, the controls
    assert "fig5_receiver_score_by_category" in hovered and "head_controls" in hovered
    # Every category of the sample has an interval (three traces, three problems): one bar each.
    assert summary["figure5"]["bars"] == summary["figure5"]["withInterval"] == 8, summary["figure5"]
    assert "95% CI: [" in next(h["text"] for h in summary["hovers"] if h["chart"] == "fig5_receiver_score_by_category")
    assert "<b>not bold</b>" in summary["hovers"][0]["text"], "sentence markup is shown as text"


def test_minimal_report_notes_what_was_not_computed():
    summary = check_report(_sample("minimal"), ARTIFACTS / "report-browser-minimal.png")
    assert {c["id"] for c in summary["charts"]} == ALL_CHARTS - MISSING_IN_MINIMAL
    # and the controls' null, which the minimal run did not ask for
    assert len(summary["notComputed"]) == len(MISSING_IN_MINIMAL) + 1
    assert any("re-segmentation null" in n for n in summary["notComputed"])
    assert [h["chart"] for h in summary["hovers"] if h["ok"]].count("head_controls") == 1
    assert summary["placeboCurve"] is None
    assert all(n.startswith("not computed: ") for n in summary["notComputed"])
    # One trace, one problem: category means without intervals, and the tooltip says so.
    assert summary["figure5"]["bars"] == summary["figure5"]["withInterval"] == 0, summary["figure5"]
    fig5 = next(h for h in summary["hovers"] if h["chart"] == "fig5_receiver_score_by_category")
    assert fig5["ok"] and "no interval (one problem)" in fig5["text"], fig5


def test_page_without_categories_notes_figure_5_and_still_draws_the_scatter():
    """Two traces of a math-rollouts tree without its step-attribution tree: importance, no categories."""
    summary = check_report(_sample("unlabelled"), ARTIFACTS / "report-browser-unlabelled.png")
    charts = {c["id"] for c in summary["charts"]}
    assert "fig5_receiver_score_by_category" not in charts
    assert {"receiver_vs_counterfactual", "fig4e_split_half_reliability"} <= charts
    assert "not computed: no trace has sentence categories" in summary["notComputed"]
    assert summary["blocked"] == 0
