"""`ta suppression-matrix` and `ta suppress-check` against real worker processes on loopback.

tiny-llama (random weights) on a short published Llama trace: checks the pipeline — passes
spread over several workers, resumable storage — not the science. Workers killed mid-run are
java-analytics/pipeline's WorkersKilledMidRunTest, where the kill is tied to the run's progress.
"""

from __future__ import annotations

import csv
import json
import math

import pytest

from conftest import REPO, SAMPLE, WorkerProcess, run_ta

TRACE = SAMPLE / "deepseek-r1-distill-llama-8b" / "incorrect_base_solution" / "problem_2189"
TRACE_ID = "deepseek-r1-distill-llama-8b/incorrect/2189"


@pytest.fixture(scope="module")
def llama_workers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("llama-workers")
    workers = [WorkerProcess("tiny-llama", tmp), WorkerProcess("tiny-llama", tmp)]
    yield workers
    for w in workers:
        w.stop()


def _matrix(out, name="suppression_matrix.csv") -> list[list[float]]:
    """Rows of a matrix CSV (header: receiving,0..n-1; first column: the receiving sentence)."""
    with open(out / TRACE_ID / name, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "receiving"
    return [[float(x) for x in row[1:]] for row in rows[1:]]


def _run(addresses, out, cache, *extra):
    return run_ta("suppression-matrix", "--data", str(TRACE), "--worker", ",".join(addresses), "--out", str(out),
                  "--cache", str(cache), "--no-progress", *extra)


@pytest.fixture(scope="module")
def one_worker_run(llama_workers, tmp_path_factory):
    root = tmp_path_factory.mktemp("one-worker")
    result = _run([llama_workers[0].address], root / "out", root / "cache")
    assert result.returncode == 0, result.stderr
    return root / "out"


def test_full_matrix_against_one_worker(one_worker_run):
    raw = _matrix(one_worker_run)
    assert len(raw) == len(raw[0]) >= 20
    run = json.loads((one_worker_run / "run.json").read_text())
    trace = run["traces"][0]
    assert trace["input_tokens"] < trace["text_tokens"], "the input is cut at the last sentence's end"
    normalised = _matrix(one_worker_run, "suppression_matrix_normalised.csv")
    for i, row in enumerate(normalised):
        assert all(x != x for x in row[i:]), f"row {i}: diagonal and upper triangle are masked"
        if i > 0:
            assert abs(sum(row[:i]) / i) < 1e-9, f"row {i} of the normalised matrix has a nonzero mean"
    exported = json.loads((one_worker_run / TRACE_ID / "step_importance_supp.json").read_text())
    assert len(exported) == len(normalised)


def test_two_workers_give_the_same_matrix(llama_workers, one_worker_run, tmp_path):
    result = _run([w.address for w in llama_workers], tmp_path / "out", tmp_path / "cache",
                  "--variants-per-call", "2")
    assert result.returncode == 0, result.stderr
    assert _matrix(tmp_path / "out") == _matrix(one_worker_run)


def test_suppress_check_picks_the_receiver_analysis_sentences_and_heads_and_reports_consistent_numbers(
        llama_workers, tmp_path):
    cache = tmp_path / "cache"
    result = run_ta("suppress-check", "--trace", str(TRACE), "--worker", llama_workers[0].address,
                    "--out", str(tmp_path / "check"), "--cache", str(cache), "--no-progress")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "check" / "suppress_check.json").read_text())
    receivers = run_ta("receivers", "--data", str(TRACE), "--out", str(tmp_path / "receivers"), "--cache", str(cache),
                       "--no-progress")  # the same analysis, from the cache the check filled
    assert receivers.returncode == 0, receivers.stderr
    with open(tmp_path / "receivers" / "sentence_scores.csv", newline="") as handle:
        scores = [float(r["receiver_score"]) for r in csv.DictReader(handle)]
    eligible = [i for i, x in enumerate(scores) if x == x]
    assert report["high"]["sentence_index"] == max(eligible, key=lambda i: (scores[i], -i))
    assert report["low"]["sentence_index"] == min(eligible, key=lambda i: (scores[i], i))
    with open(tmp_path / "receivers" / "top_heads.csv", newline="") as handle:
        top = [[int(r["layer"]), int(r["head"])] for r in csv.DictReader(handle)][:5]
    assert report["receiver_heads"] == top
    high, low = report["kl_high"], report["kl_low"]
    assert 0 < high < float("inf") and 0 < low < float("inf")
    assert abs(report["ratio"] - high / (low + 1e-10)) <= 1e-9 * report["ratio"]
    assert report["passed"] == (high > report["criterion_factor"] * low)
    assert "KL_high = " in result.stdout and "ratio = " in result.stdout


def _head_dim_32_worker(tmp_path) -> WorkerProcess:
    """tiny-llama with 2 query heads of 32 dimensions: 1/sqrt(32) is not a power of two, so the reference kernel's
    division and the mask kernel's multiplication round differently (with the tiny models' 16 they agree)."""
    spec = json.loads((REPO / "model-worker/src/thought_anchors_worker/synthetic/tiny-llama.json").read_text())
    spec["config"].update(num_attention_heads=2, num_key_value_heads=1)
    (tmp_path / "llama-d32.json").write_text(json.dumps(spec))
    return WorkerProcess(str(tmp_path / "llama-d32.json"), tmp_path)


def test_the_default_kernel_gives_the_exact_floor_above_the_diagonal_and_monkeypatch_does_not(tmp_path):
    """docs/algorithms.md §11.4: --kernel MONKEYPATCH reproduces the reference's noisy upper triangle (a receiving sentence
    before the suppressed one cannot see it, so its KL is 0 and ln(0 + 1e-9) the exact floor); MASK, the default,
    keeps the floor exact. head_dim 32: with the tiny models' 16 the two kernels' scalings round alike."""
    worker = _head_dim_32_worker(tmp_path)
    try:
        matrices = {}
        for kernel in ("MASK", "MONKEYPATCH"):
            out = tmp_path / kernel
            result = _run([worker.address], out, tmp_path / "cache", "--kernel", kernel)
            assert result.returncode == 0, result.stderr
            assert json.loads((out / "run.json").read_text())["suppression"]["kernel"] == kernel
            matrices[kernel] = _matrix(out)
    finally:
        worker.stop()
    # A cell averages ln(KL + 1e-9) over the receiving sentence's positions: KL exactly 0 everywhere gives the
    # floor up to the rounding of that mean (1e-14); a KL of one unit in the last place moves it by far more.
    above = {k: [v for i, row in enumerate(m) for v in row[i + 1:]] for k, m in matrices.items()}
    on_floor = {k: [abs(v - math.log(1e-9)) < 1e-12 for v in cells] for k, cells in above.items()}
    assert above["MASK"] and all(on_floor["MASK"]), sorted(above["MASK"], reverse=True)[:5]
    off_floor = on_floor["MONKEYPATCH"].count(False)
    print(f"MONKEYPATCH: {off_floor} of {len(above['MONKEYPATCH'])} cells above the diagonal off the floor")
    assert off_floor > 0
    # Below the diagonal both kernels measure the same suppression.
    below = [(a, b) for i, (ra, rb) in enumerate(zip(matrices["MASK"], matrices["MONKEYPATCH"]))
             for a, b in zip(ra[:i], rb[:i])]
    assert sum(abs(a - b) < 0.5 for a, b in below) > 0.8 * len(below)


def test_suppress_check_monkeypatch_measures_the_same_suppression_through_the_reference_kernels(tmp_path):
    """docs/algorithms.md §11.4, §13: `ta suppress-check --kernel MONKEYPATCH` asks the worker for the reference's
    kernels (stock eager baseline, the replacement kernel in the suppressed layers); on a head_dim-32 model their
    rounding differs from MASK's, so the two KL values move by rounding, not by what is suppressed: same
    sentences and heads, each KL within 1e-3 relative of MASK's, and not bit-identical to it."""
    worker = _head_dim_32_worker(tmp_path)
    try:
        reports = {}
        for kernel in ("MASK", "MONKEYPATCH"):
            result = run_ta("suppress-check", "--trace", str(TRACE), "--worker", worker.address, "--kernel", kernel,
                            "--suppress-heads", "2", "--out", str(tmp_path / kernel), "--cache", str(tmp_path / "cache"),
                            "--no-progress")
            assert result.returncode == 0, result.stderr
            reports[kernel] = json.loads((tmp_path / kernel / "suppress_check.json").read_text())
    finally:
        worker.stop()
    mask, patched = reports["MASK"], reports["MONKEYPATCH"]
    assert (mask["kernel"], patched["kernel"]) == ("MASK", "MONKEYPATCH")
    for field in ("receiver_heads", "suppressed_layer_heads", "high", "low", "input_tokens"):
        assert mask[field] == patched[field], field
    for kl in ("kl_high", "kl_low"):
        print(f"{kl}: MASK {mask[kl]!r}, MONKEYPATCH {patched[kl]!r}")
        assert mask[kl] > 0 and abs(patched[kl] - mask[kl]) <= 1e-3 * mask[kl], kl
    assert (patched["kl_high"], patched["kl_low"]) != (mask["kl_high"], mask["kl_low"])
