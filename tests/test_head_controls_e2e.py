"""The receiver-head controls of `ta receivers` (docs/algorithms.md §6.4-6.5) end to end against real workers.

head_controls.csv and proximity_sweep.csv are recomputed here in NumPy from the run's own cache files (the
sentence-level pooled matrices, read with pyarrow), independently of the Java code: recency share, vertical
scores, kurtosis, the ranking at every sweep value, top-k overlap and Spearman correlation. The
re-segmentation null cannot be redrawn outside Java (its shuffles come from Java's SplittableRandom), so its
properties are checked: the same seed gives the same table, another seed another null over the same observed
values, p on the grid 1/(P+1)..1, z from the null's mean and sd, the observed value that of the real sentences;
and on planted-qwen2 (trained weights, a planted anchor) the top receiver head stands out of it.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import sys

import numpy as np
import pyarrow.ipc as ipc
import pytest

from conftest import QWEN_SAMPLE, REPO, WorkerProcess, run_ta

sys.path.insert(0, str(REPO / "models" / "planted-anchor"))
import measure  # noqa: E402

PLANTED_TRACES = 6
TOP_K = 3
PERMUTATIONS = 50
SWEEP = [0, 1, 2, 4, 8, 16]
PROXIMITY = 4  # the RECOMMENDED profile's proximity ignore (the run's configured value)


@pytest.fixture(scope="module")
def planted_worker(tmp_path_factory):
    process = WorkerProcess("planted-qwen2", tmp_path_factory.mktemp("controls-worker"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory):
    """The first few held-out planted traces, in their published layout."""
    root = tmp_path_factory.mktemp("controls-data") / "planted-qwen2"
    for problem in range(1, PLANTED_TRACES + 1):
        shutil.copytree(measure.TRACES / f"problem_{problem}", root / "correct_base_solution" / f"problem_{problem}")
    return root


def _receivers(worker, data, out, cache, *extra):
    args = ["receivers", "--data", str(data), "--out", str(out), "--cache", str(cache), "--top-k", str(TOP_K),
            "--no-progress", *extra]
    if worker is not None:
        args += ["--worker", worker.address]
    return run_ta(*args)


@pytest.fixture(scope="module")
def null_run(planted_worker, planted_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("controls")
    result = _receivers(planted_worker, planted_data, root / "out", root / "cache", "--segmentation-null",
                        str(PERMUTATIONS), "--null-seed", "3", "--null-block-tokens", "1")
    assert result.returncode == 0, result.stderr
    return root


def _table(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _float(cell):
    return float("nan") if cell in ("", "NaN") else float(cell)


def _cached(cache):
    """Each trace's pooled matrices [layers, heads, n, n] from the cache files the run wrote."""
    matrices = {}
    for path in sorted(cache.rglob("*.arrow")):
        with ipc.open_file(path) as reader:
            meta = {k.decode(): v.decode() for k, v in reader.schema.metadata.items()}
            table = reader.read_all()
        layers, heads, n = int(meta["layers"]), int(meta["heads"]), int(meta["n"])
        m = np.full((layers, heads, n, n), np.nan, dtype=np.float64)
        for layer, head, values in zip(table["layer"].to_pylist(), table["head"].to_pylist(),
                                       table["matrix"].to_pylist()):
            m[layer, head] = np.asarray(values, dtype=np.float32).reshape(n, n)
        matrices[meta["text_sha256"]] = m
    return list(matrices.values())


def _vertical(m, k):
    """v_j = mean of m[i, j] over i >= j + k, NaN cells left out (docs/algorithms.md §5.1)."""
    n = m.shape[0]
    v = np.full(n, np.nan)
    for j in range(n):
        column = m[j + k:, j]
        column = column[~np.isnan(column)]
        if column.size:
            v[j] = column.mean()
    return v


def _kurtosis(v):
    x = v[~np.isnan(v)]
    if x.size == 0:
        return math.nan
    d = x - x.mean()
    m2, m4 = np.mean(d ** 2), np.mean(d ** 4)
    return math.nan if m2 <= (np.finfo(float).eps * x.mean()) ** 2 else m4 / m2 ** 2 - 3


def _mean_kurtosis(traces, k):
    """Mean over traces per flat head; layer 0 excluded (RECOMMENDED), a NaN propagates."""
    layers, heads = traces[0].shape[:2]
    mean = np.array([[np.mean([_kurtosis(_vertical(t[l, h], k)) for t in traces]) for h in range(heads)]
                     for l in range(layers)]).ravel()
    mean[:heads] = np.nan
    return mean


def _top(mean, k):
    finite = [f for f in range(mean.size) if not np.isnan(mean[f])]
    return sorted(finite, key=lambda f: (-mean[f], f))[:k]


def _average_ranks(x):
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and x[order[j + 1]] == x[order[i]]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _spearman(x, y):
    keep = ~np.isnan(x) & ~np.isnan(y)
    if keep.sum() < 3:
        return math.nan
    return float(np.corrcoef(_average_ranks(x[keep]), _average_ranks(y[keep]))[0, 1])


def test_recency_share_and_kurtosis_match_a_numpy_recomputation_from_the_cache(null_run):
    traces = _cached(null_run / "cache")
    assert len(traces) == PLANTED_TRACES
    rows = _table(null_run / "out" / "head_controls.csv")
    layers, heads = traces[0].shape[:2]
    assert len(rows) == layers * heads
    mean = _mean_kurtosis(traces, PROXIMITY)
    top = _top(mean, TOP_K)
    for row in rows:
        l, h = int(row["layer"]), int(row["head"])
        f = l * heads + h
        shares = []
        for t in traces:
            m = np.tril(t[l, h])
            i, j = np.indices(m.shape)
            lower = (j <= i) & ~np.isnan(m)
            total = m[lower].sum()
            shares.append(m[lower & (i - j < PROXIMITY)].sum() / total if total else math.nan)
        assert _float(row["recency_share"]) == pytest.approx(np.nanmean(shares), rel=1e-5), row
        assert 0 < _float(row["recency_share"]) < 1
        np.testing.assert_allclose(_float(row["mean_kurtosis"]), mean[f], rtol=1e-4, atol=1e-6)
        assert (row["in_top_k"] == "true") == (f in top)
        assert row["top_rank"] == (str(top.index(f) + 1) if f in top else "")


def test_the_proximity_sweep_matches_a_numpy_recomputation(null_run):
    traces = _cached(null_run / "cache")
    rows = _table(null_run / "out" / "proximity_sweep.csv")
    assert [int(r["proximity_ignore"]) for r in rows] == SWEEP
    heads = traces[0].shape[1]
    configured = _mean_kurtosis(traces, PROXIMITY)
    reference = set(_top(configured, TOP_K))
    for row in rows:
        k = int(row["proximity_ignore"])
        mean = _mean_kurtosis(traces, k)
        top = _top(mean, TOP_K)
        assert (row["configured"] == "true") == (k == PROXIMITY)
        assert int(row["heads_ranked"]) == int(np.sum(~np.isnan(mean)))
        assert row["top_heads"] == " ".join(f"L{f // heads}H{f % heads}" for f in top)
        if top:
            assert int(row["overlap_count"]) == len(reference & set(top))
            assert _float(row["overlap"]) == pytest.approx(len(reference & set(top)) / TOP_K)
        else:  # planted traces are short: at k = 16 no sentence has a receiver 16 sentences later
            assert math.isnan(_float(row["overlap"])) and row["not_computed"]
        expected = _spearman(mean, configured)
        if math.isnan(expected):
            assert math.isnan(_float(row["spearman_r"]))
        else:
            assert _float(row["spearman_r"]) == pytest.approx(expected, abs=1e-4)
    own = rows[SWEEP.index(PROXIMITY)]
    assert _float(own["overlap"]) == 1.0 and _float(own["spearman_r"]) == pytest.approx(1.0)
    assert any(int(r["overlap_count"] or 0) < TOP_K for r in rows), "the sweep should move some head"


def test_the_null_is_reproducible_and_its_columns_are_consistent(null_run, planted_worker, planted_data, tmp_path):
    rows = _table(null_run / "out" / "head_controls.csv")
    again = _receivers(planted_worker, planted_data, tmp_path / "again", null_run / "cache", "--segmentation-null",
                       str(PERMUTATIONS), "--null-seed", "3", "--null-block-tokens", "1")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "head_controls.csv").read_text() == \
        (null_run / "out" / "head_controls.csv").read_text()
    other = _receivers(planted_worker, planted_data, tmp_path / "other", null_run / "cache", "--segmentation-null",
                       str(PERMUTATIONS), "--null-seed", "4", "--null-block-tokens", "1")
    assert other.returncode == 0, other.stderr
    other_rows = _table(tmp_path / "other" / "head_controls.csv")
    assert [r["null_observed_kurtosis"] for r in other_rows] == [r["null_observed_kurtosis"] for r in rows]
    assert [r["null_mean"] for r in other_rows] != [r["null_mean"] for r in rows]

    finite = 0
    for row in rows:
        observed, p = _float(row["null_observed_kurtosis"]), _float(row["p"])
        if math.isnan(observed):
            assert math.isnan(p)
            continue
        finite += 1
        # token-level blocks re-pool the real sentences exactly: the observed value is the run's own kurtosis
        assert observed == pytest.approx(_float(row["mean_kurtosis"]), rel=1e-4, abs=1e-6) \
            or math.isnan(_float(row["mean_kurtosis"]))  # layer 0: excluded from the ranking, not from the null
        assert 1 / (PERMUTATIONS + 1) <= p <= 1
        assert p * (PERMUTATIONS + 1) == pytest.approx(round(p * (PERMUTATIONS + 1)), abs=1e-6)
        mean, sd, z = _float(row["null_mean"]), _float(row["null_sd"]), _float(row["z"])
        if sd > 0:
            assert z == pytest.approx((observed - mean) / sd, rel=1e-6, abs=1e-9)
    assert finite > 0

    results = json.loads((null_run / "out" / "results.json").read_text())
    assert {"head_controls", "proximity_sweep"} <= results["tables"].keys()
    null = results["head_controls"]["segmentation_null"]
    assert null["computed"] and null["permutations"] == PERMUTATIONS and null["seed"] == 3
    assert len(null["traces"]) == PLANTED_TRACES
    run = json.loads((null_run / "out" / "run.json").read_text())
    assert run["head_controls"]["segmentation_null"]["block_tokens"] == 1
    assert "segmentation_null" in run["timings_seconds"]


def test_without_the_null_head_controls_has_no_null_columns_and_needs_no_worker(null_run, planted_data, tmp_path):
    plain = _receivers(None, planted_data, tmp_path / "plain", null_run / "cache", "--proximity-sweep", "off")
    assert plain.returncode == 0, plain.stderr
    columns = (tmp_path / "plain" / "head_controls.csv").read_text().splitlines()[0].split(",")
    assert columns == ["layer", "head", "mean_kurtosis", "top_rank", "in_top_k", "recency_share"]
    assert not (tmp_path / "plain" / "proximity_sweep.csv").exists()
    refused = _receivers(None, planted_data, tmp_path / "refused", null_run / "cache", "--segmentation-null", "10")
    assert refused.returncode == 2 and "needs --worker or --local" in refused.stderr, refused.stderr
    assert not (tmp_path / "refused").exists()


def test_a_fine_matrix_over_the_bound_is_refused_before_any_null_pass(worker, tmp_path):
    result = run_ta("receivers", "--data", str(QWEN_SAMPLE / "correct_base_solution" / "problem_3448"),
                    "--worker", worker.address, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
                    "--no-progress", "--segmentation-null", "10", "--null-block-tokens", "1")
    # tiny-qwen2: 4 x 4 heads x 3,208 token blocks squared is over 2^27 floats; blocks of 2 tokens fit
    assert result.returncode == 2, result.stderr
    assert "raise --null-block-tokens to at least 2" in result.stderr
    assert "no null pass was made" in result.stderr
    assert not (tmp_path / "out" / "run.json").exists()


@pytest.mark.parametrize("flags, message", [
    (["--proximity-sweep", "0,x"], "--proximity-sweep takes comma-separated integers"),
    (["--proximity-sweep", "-1"], "--proximity-sweep takes comma-separated integers"),
    (["--null-seed", "3"], "give --segmentation-null PERMS too"),
    (["--segmentation-null", "0"], "--segmentation-null must be at least 1"),
    (["--segmentation-null", "5", "--null-block-tokens", "0"], "--null-block-tokens must be at least 1"),
])
def test_bad_control_flags_are_refused_with_a_reason(flags, message, planted_data, tmp_path):
    result = _receivers(None, planted_data, tmp_path / "out", tmp_path / "cache", *flags)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
