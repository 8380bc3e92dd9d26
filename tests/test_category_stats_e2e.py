"""Figure 5's statistics (docs/algorithms.md §9) from `ta receivers` against independent computations in NumPy.

Over all seven shipped sample traces (six problems; problem 2236 has a trace of each model) with the tiny worker:
the paired t statistic and Cohen's d_z recomputed from category_values.csv, Holm's adjustment recomputed from the
table's own p-values over the unordered pairs, and each category's bootstrap interval checked against the exact
bootstrap distribution of its problems, enumerated here (every one of the K^K equally likely draws).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLE, SHARED_DATA, run_ta

RESAMPLES = 20_000
# Llama: ten problems, each with a correct and an incorrect trace (the shared Qwen traces are all correct).
SHARED_LLAMA = SHARED_DATA / "deepseek-r1-distill-llama-8b"


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _receivers(worker, data: Path, out: Path, *extra: str) -> Path:
    result = run_ta("receivers", "--data", str(data), "--worker", worker.address, "--out", str(out),
                    "--cache", str(out.parent / "cache"), "--no-progress", *extra)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sample_run(worker, tmp_path_factory):
    return _receivers(worker, SAMPLE, tmp_path_factory.mktemp("category-stats") / "out",
                      "--category-resamples", str(RESAMPLES))


def _values(out: Path):
    """category -> {trace_id: value}, and trace_id -> problem."""
    values, problem = defaultdict(dict), {}
    for row in _rows(out / "category_values.csv"):
        values[row["category"]][row["trace_id"]] = float(row["value"])
        problem[row["trace_id"]] = int(row["problem"])
    return values, problem


def _holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment written out: the j-th smallest times (m - j + 1), running maximum, cap at 1."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted = [0.0] * m
    for rank, i in enumerate(order):
        adjusted[i] = min(1.0, max((m - j) * p[order[j]] for j in range(rank + 1)))
    return adjusted


def test_t_statistic_effect_size_and_holm_match_numpy(sample_run):
    values, _ = _values(sample_run)
    tests = _rows(sample_run / "category_tests.csv")
    family = {}
    for row in tests:
        a, b = values.get(row["category_a"], {}), values.get(row["category_b"], {})
        both = [t for t in a if t in b and not math.isnan(a[t]) and not math.isnan(b[t])]
        assert int(row["n"]) == len(both), row
        if len(both) < 2:
            assert row["p"] == row["p_holm"] == row["cohens_dz"] == "NaN", row
            continue
        d = np.array([a[t] - b[t] for t in both])
        sd = d.std(ddof=1)
        assert float(row["t"]) == pytest.approx(d.mean() / (sd / math.sqrt(len(d))), rel=1e-9), row
        assert float(row["cohens_dz"]) == pytest.approx(d.mean() / sd, rel=1e-9), row
        key = frozenset((row["category_a"], row["category_b"]))
        if key in family:
            assert family[key][0] == row["p"] and family[key][1] == row["p_holm"], "both orders agree"
        family[key] = (row["p"], row["p_holm"])
    assert len(family) >= 3, family
    pairs = list(family)
    expected = _holm([float(family[k][0]) for k in pairs])
    assert [float(family[k][1]) for k in pairs] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def _exact_quantile(atoms: np.ndarray, q: float) -> float:
    """The smallest resample mean whose exact cumulative probability reaches q (all atoms equally likely)."""
    ordered = np.sort(atoms)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _check_interval_against(row: dict, distribution: np.ndarray, resamples: int, level: float, slack: float = 0.0):
    tail = (1 - level) / 2
    delta = 4.5 * math.sqrt(tail * (1 - tail) / resamples) + slack
    low, high = float(row["ci_low"]), float(row["ci_high"])
    assert _exact_quantile(distribution, tail - delta) - 1e-12 <= low <= _exact_quantile(distribution, tail + delta) + 1e-12, row
    assert _exact_quantile(distribution, 1 - tail - delta) - 1e-12 <= high \
        <= _exact_quantile(distribution, 1 - tail + delta) + 1e-12, row


def test_each_interval_is_the_exact_bootstrap_over_problems(sample_run):
    values, problem = _values(sample_run)
    means = _rows(sample_run / "category_means.csv")
    bootstrap = json.loads((sample_run / "results.json").read_text())["category_bootstrap"]
    assert bootstrap["resampled"] == "problems" and bootstrap["resamples"] == RESAMPLES
    checked = 0
    for row in means:
        by_problem = defaultdict(list)
        for trace, v in values.get(row["category"], {}).items():
            if not math.isnan(v):
                by_problem[problem[trace]].append(v)
        k = len(by_problem)
        assert int(row["problems"]) == k and row["few_problems"] == str(k < 5).lower(), row
        assert int(row["traces"]) == sum(len(v) for v in by_problem.values()), row
        if k == 0:
            continue
        assert float(row["mean"]) == pytest.approx(np.mean([v for vs in by_problem.values() for v in vs]), rel=1e-12)
        if k < 2:
            assert row["ci_low"] == row["ci_high"] == "NaN", row
            continue
        sums = np.array([sum(v) for v in by_problem.values()])
        counts = np.array([len(v) for v in by_problem.values()])
        draws = np.array(list(itertools.product(range(k), repeat=k)))  # every ordered draw, each 1 / k^k
        distribution = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
        _check_interval_against(row, distribution, RESAMPLES, float(row["ci_level"]))
        assert float(row["ci_low"]) <= float(row["mean"]) <= float(row["ci_high"]), row
        checked += 1
    assert checked >= 3, means


@pytest.mark.devdata
def test_intervals_on_all_shared_llama_traces_match_a_numpy_bootstrap(worker, tmp_path):
    """Ten problems with both traces: too many draws to enumerate, so NumPy's own bootstrap of 400,000 resamples."""
    out = _receivers(worker, SHARED_LLAMA, tmp_path / "out", "--category-resamples", str(RESAMPLES))
    values, problem = _values(out)
    assert len(set(problem.values())) < len(problem), "some problems have two traces"
    rng = np.random.default_rng(12)
    for row in _rows(out / "category_means.csv"):
        by_problem = defaultdict(list)
        for trace, v in values.get(row["category"], {}).items():
            if not math.isnan(v):
                by_problem[problem[trace]].append(v)
        k = len(by_problem)
        if k < 2:
            continue
        sums = np.array([sum(v) for v in by_problem.values()])
        counts = np.array([len(v) for v in by_problem.values()])
        draws = rng.integers(0, k, size=(400_000, k))
        distribution = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
        _check_interval_against(row, distribution, RESAMPLES, float(row["ci_level"]), slack=0.002)
