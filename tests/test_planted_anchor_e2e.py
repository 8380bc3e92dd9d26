"""The science end to end: the `ta` jar against a real worker serving the committed planted-qwen2 model.

planted-qwen2 is a small Qwen2 trained on a synthetic task whose anchor is planted by construction
(models/planted-anchor/README.md): one early sentence fixes a secret number, later comparisons and the
final answer need it, side computations need nothing. On held-out traces (never trained on) the
white-box measures must find that sentence:
- the anchor has the top receiver-head score in most traces, far above the chance rate;
- the suppression matrix's answer row (the last sentence) is largest in the anchor's column;
- `ta suppress-check`, cut after the last comparison question (whose next token is the yes/no only
  the anchor decides), picks the anchor as the high sentence with KL_high / KL_low far above 1.
Thresholds sit well below the measured figures (README) and far above chance.
"""

from __future__ import annotations

import csv
import sys

import pytest

from conftest import REPO, WorkerProcess, run_ta

sys.path.insert(0, str(REPO / "models" / "planted-anchor"))
import measure  # noqa: E402

PROXIMITY = 4  # the profile's proximityIgnore: the last 4 sentences get no vertical score

MIN_TOP_RECEIVER_RATE = 0.6
MIN_GAIN_OVER_UNTRAINED = 0.3
SUPPRESSION_TRACES = 10  # the matrix on the first 10 held-out traces keeps the test short
MIN_ANSWER_ROW_RATE = 0.7  # measured 8/10 on these, 26/30 on all held-out traces; chance 0.08
SUPPRESS_CHECK_TRACES = 3
MIN_KL_RATIO = 10.0


@pytest.fixture(scope="module")
def heldout():
    return measure.heldout()


@pytest.fixture(scope="module")
def planted_worker(tmp_path_factory):
    process = WorkerProcess("planted-qwen2", tmp_path_factory.mktemp("planted-worker"))  # the bundled name
    yield process
    process.stop()


@pytest.fixture(scope="module")
def receivers(planted_worker, tmp_path_factory):
    root = tmp_path_factory.mktemp("planted-receivers")
    result = run_ta("receivers", "--data", str(measure.DATA), "--worker", planted_worker.address,
                    "--out", str(root / "out"), "--cache", str(root / "cache"), "--no-progress")
    assert result.returncode == 0, result.stderr
    return root / "out"


def test_sentences_of_the_analysis_are_the_generator_sentences(receivers, heldout):
    with open(receivers / "sentence_scores.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["trace_id"] for r in rows} == heldout.keys()
    for trace_id, trace in heldout.items():
        mine = [r for r in rows if r["trace_id"] == trace_id]
        assert [int(r["sentence_index"]) for r in mine] == list(range(trace["num_sentences"])), trace_id
        assert [r["text"] for r in mine] == [s["text"][:100] for s in trace["sentences"]], trace_id
        assert mine[trace["anchor_sentence"]]["category"] == "plan_generation"


def test_the_anchor_has_the_top_receiver_head_score_far_above_chance(receivers, heldout):
    found = measure.top_receiver(receivers / "sentence_scores.csv", heldout)
    for trace_id, trace in heldout.items():
        assert found["eligible"][trace_id] == trace["num_sentences"] - PROXIMITY, trace_id
    assert found["rate"] >= MIN_TOP_RECEIVER_RATE, found
    assert found["rate"] >= 5 * found["chance"], found


def test_the_answer_row_of_the_suppression_matrix_peaks_at_the_anchor(planted_worker, heldout, tmp_path):
    subset = dict(list(heldout.items())[:SUPPRESSION_TRACES])
    data = tmp_path / "data" / "planted-qwen2" / "correct_base_solution"
    data.mkdir(parents=True)
    for trace in subset.values():
        (data / f"problem_{trace['id']}").symlink_to(measure.TRACES / f"problem_{trace['id']}")
    result = run_ta("suppression-matrix", "--data", str(tmp_path / "data"), "--worker", planted_worker.address,
                    "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--no-progress")
    assert result.returncode == 0, result.stderr
    found = measure.answer_row_peaks(tmp_path / "out", subset)
    assert found["rate"] >= MIN_ANSWER_ROW_RATE, found


@pytest.mark.parametrize("index", range(SUPPRESS_CHECK_TRACES))
def test_suppress_check_finds_the_anchor_with_a_large_kl_ratio(planted_worker, heldout, tmp_path, index):
    trace = list(heldout.values())[index]
    result = run_ta(*measure.suppress_check_args(trace), "--worker", planted_worker.address,
                    "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--no-progress")
    assert result.returncode == 0, result.stderr
    found = measure.suppress_check(tmp_path / "out" / "suppress_check.json", trace)
    assert found["high_is_anchor"], result.stdout
    assert found["ratio"] >= MIN_KL_RATIO and found["passed"], result.stdout


def test_the_java_splitter_cuts_the_traces_where_the_generator_did(receivers, planted_worker, heldout, tmp_path):
    """Same token ranges when `ta` splits full_cot itself (HEAD sentences: the final chunk, the tail, is dropped)
    as when it locates the generator's chunks_labeled.json sentences. Only the last kept sentence's end may
    differ: with no next sentence its end is the first token starting after its trailing space, one past the
    next sentence's first token (" So" holds that space)."""
    result = run_ta("receivers", "--data", str(measure.DATA), "--worker", planted_worker.address,
                    "--sentence-source", "HEAD_KEEP_SPACING", "--out", str(tmp_path / "out"),
                    "--cache", str(tmp_path / "cache"), "--no-progress")
    assert result.returncode == 0, result.stderr

    def ranges(folder):
        spans = {}
        with open(folder / "sentence_scores.csv", newline="") as handle:
            for r in csv.DictReader(handle):
                spans.setdefault(r["trace_id"], []).append((int(r["token_start"]), int(r["token_end"])))
        return spans

    labelled, split = ranges(receivers), ranges(tmp_path / "out")
    for trace_id, trace in heldout.items():
        assert len(split[trace_id]) == trace["num_sentences"] - 1, trace_id
        assert split[trace_id][:-1] == labelled[trace_id][:-2], trace_id
        assert split[trace_id][-1][0] == labelled[trace_id][-2][0], trace_id


def test_the_same_architecture_untrained_does_not_find_the_anchor(receivers, heldout, tmp_path):
    """Control: seeded random weights, same tokenizer. Their attention favours early sentences, which
    finds the anchor only when it happens to come first; training must beat that by far."""
    trained = measure.top_receiver(receivers / "sentence_scores.csv", heldout)
    control = WorkerProcess(str(measure.write_untrained(tmp_path / "untrained")), tmp_path)
    try:
        result = run_ta("receivers", "--data", str(measure.DATA), "--worker", control.address,
                        "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--no-progress")
    finally:
        control.stop()
    assert result.returncode == 0, result.stderr
    untrained = measure.top_receiver(tmp_path / "out" / "sentence_scores.csv", heldout)
    assert trained["rate"] >= untrained["rate"] + MIN_GAIN_OVER_UNTRAINED, (trained["rate"], untrained["rate"])


NULL_PERMUTATIONS = 200
MAX_TOP_HEAD_NULL_P = 0.1  # measured p = 0.035 (seed 0), 0.050, 0.075 (seeds 1, 2); floor 1/201


def test_the_top_receiver_head_stands_out_of_the_resegmentation_null(receivers, planted_worker, tmp_path):
    """The kurtosis null of docs/algorithms.md §6.4 on all held-out traces, token-level blocks (exact): the top
    head's kurtosis belongs to the real sentence boundaries. A small model shows it only moderately (z about 1.7)."""
    result = run_ta("receivers", "--data", str(measure.DATA), "--worker", planted_worker.address,
                    "--out", str(tmp_path / "out"), "--cache", str(receivers.parent / "cache"), "--no-progress",
                    "--segmentation-null", str(NULL_PERMUTATIONS), "--null-seed", "0", "--null-block-tokens", "1")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out" / "head_controls.csv", newline="") as handle:
        top = next(r for r in csv.DictReader(handle) if r["top_rank"] == "1")
    assert float(top["p"]) <= MAX_TOP_HEAD_NULL_P, top
    assert float(top["z"]) > 1, top
