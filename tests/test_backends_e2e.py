"""Java does not care which backend runs the model: `ta receivers` and `ta suppression-matrix` against a worker
serving the same tiny model with `--backend hf` and with `--backend transformerlens` write the same CSVs: every
value of `ta receivers` within 1e-5 and the same top heads; every suppression-matrix cell within 1e-5 but those
holding one of the ~0.02% of positions where a float32 near-tie (a float16 rounding midpoint, or the max_k cut)
makes the two backends' shipped nuclei differ.

The two backends share only the weights and the tokenizer: hf runs transformers' attention interface with the
project's kernel and reuses the baseline's prefix; transformerlens runs TransformerLens' own attention with
suppression and capture at its hooks, and lacks prefix reuse (the Java client then asks for full recomputes).
"""

from __future__ import annotations

import csv
import json
import math
import struct

import pytest

from conftest import QWEN_SAMPLE, SAMPLE, WorkerProcess, run_ta

TOLERANCE = 1e-5
SUPPRESSION_TRACE = SAMPLE / "deepseek-r1-distill-llama-8b" / "incorrect_base_solution" / "problem_2189"
BACKENDS = ("hf", "transformerlens")


def _outputs(command: str, model: str, data, tmp_path_factory) -> dict:
    """backend -> (output folder, run.json) of `ta <command>` on `data` against a worker with that backend."""
    runs = {}
    for backend in BACKENDS:
        root = tmp_path_factory.mktemp(f"{command}-{backend}")
        worker = WorkerProcess(model, root, "--backend", backend)
        try:
            result = run_ta(command, "--data", str(data), "--worker", worker.address, "--out", str(root / "out"),
                            "--cache", str(root / "cache"), "--no-progress")
        finally:
            worker.stop()
        assert result.returncode == 0, result.stderr
        runs[backend] = root / "out", json.loads((root / "out" / "run.json").read_text())
    return runs


@pytest.fixture(scope="module")
def receivers(tmp_path_factory):
    # All three Qwen traces: the black-box comparison residualises on position and sentence index pooled over
    # traces, which on a single trace are collinear (its residuals are then rounding noise, on any backend).
    return _outputs("receivers", "tiny-qwen2", QWEN_SAMPLE, tmp_path_factory)


@pytest.fixture(scope="module")
def suppression(tmp_path_factory):
    return _outputs("suppression-matrix", "tiny-llama", SUPPRESSION_TRACE, tmp_path_factory)


def _read(path) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def _number(cell: str):
    try:
        return float(cell)
    except ValueError:
        return None


def csv_differences(hf_out, tl_out) -> dict[str, list[float]]:
    """file -> the difference of every number in it between the two output folders (relative above 1 in
    magnitude: a category test's t statistic near 300 differs by 3e-4 between the backends, 1e-6 of its value).
    Both folders hold the same CSVs with the same headers, rows, text cells and NaN cells."""
    names = sorted(str(p.relative_to(hf_out)) for p in hf_out.rglob("*.csv"))
    assert names and names == sorted(str(p.relative_to(tl_out)) for p in tl_out.rglob("*.csv"))
    differences = {}
    for name in names:
        ours, theirs = _read(hf_out / name), _read(tl_out / name)
        assert len(ours) == len(theirs) and ours[0] == theirs[0], name
        differences[name] = found = []
        for r, (a_row, b_row) in enumerate(zip(ours[1:], theirs[1:]), start=1):
            assert len(a_row) == len(b_row), f"{name} row {r}"
            for c, (a, b) in enumerate(zip(a_row, b_row)):
                x, y = _number(a), _number(b)
                if x is None or y is None:
                    assert a == b, f"{name} row {r} column {ours[0][c]}: {a!r} vs {b!r}"
                elif math.isnan(x) or math.isnan(y):
                    assert math.isnan(x) and math.isnan(y), f"{name} row {r} column {ours[0][c]}: {a} vs {b}"
                else:
                    found.append(abs(x - y) / max(1.0, abs(x)))
    return differences


def _position_kl(cache) -> tuple[dict, dict[int, list[float]]]:
    """One trace's suppression store: its token ranges, and column -> REFERENCE_SPARSE κ at every position
    (kl-NNNN.bin: big-endian int magic, column, positions N, then N doubles of that mode first)."""
    (store,) = {p.parent for p in cache.glob("suppression/*/*/*/*/*/kl-*.bin")}
    columns = {}
    for path in sorted(store.glob("kl-*.bin")):
        data = path.read_bytes()
        _, column, n = struct.unpack(">iii", data[:12])
        columns[column] = list(struct.unpack(f">{n}d", data[12:12 + 8 * n]))
    return json.loads((store / "meta.json").read_text())["token_ranges"], columns


def _matrix_cells(path) -> dict[tuple[int, int], float]:
    rows = _read(path)
    return {(i, j): float(x) for i, row in enumerate(rows[1:]) for j, x in enumerate(row[1:])}


def _backend(run_json) -> str:
    return next(c for c in run_json["model"]["capabilities"] if c.startswith("backend.") and "version" not in c)


def test_receivers_give_the_same_csvs_and_top_heads(receivers):
    (hf_out, hf_run), (tl_out, tl_run) = receivers["hf"], receivers["transformerlens"]
    assert (_backend(hf_run), _backend(tl_run)) == ("backend.hf", "backend.transformerlens")
    differences = csv_differences(hf_out, tl_out)
    assert sum(map(len, differences.values())) > 1000
    assert {name: max(d) for name, d in differences.items() if d and max(d) > TOLERANCE} == {}
    top = [[(row[1], row[2]) for row in _read(out / "top_heads.csv")] for out in (hf_out, tl_out)]
    assert top[0][0] == ("layer", "head") and len(top[0]) > 5 and top[0] == top[1]


def test_suppression_matrix_gives_the_same_csvs_and_records_the_missing_prefix_reuse(suppression):
    (hf_out, hf_run), (tl_out, tl_run) = suppression["hf"], suppression["transformerlens"]
    assert (_backend(hf_run), _backend(tl_run)) == ("backend.hf", "backend.transformerlens")
    differences = csv_differences(hf_out, tl_out)
    matrix = next(name for name in differences if name.endswith("/suppression_matrix.csv"))
    cells = differences[matrix]
    assert len(cells) > 400
    # A cell beyond 1e-5 is always one position whose stored KL differs (docs/algorithms.md §12.2, "Two backends"):
    # the backends' logits agree to ~2e-7, but where a kept logit lies within that of a float16 rounding midpoint,
    # or the 100th and 101st logits of a max_k-capped nucleus lie within it of each other, the shipped nucleus
    # differs by one float16 step or one member. On this trace: 2 of 9,480 positions, 2 of 576 cells.
    kl = {backend: _position_kl(out.parent / "cache") for backend, (out, _) in suppression.items()}
    ranges, kl_hf, kl_tl = kl["hf"][0], kl["hf"][1], kl["transformerlens"][1]
    assert kl_hf.keys() == kl_tl.keys() and len(kl_hf) == len(ranges["start"])
    moved = {(j, t) for j in kl_hf for t, (a, b) in enumerate(zip(kl_hf[j], kl_tl[j]))
             if abs(math.log(a + 1e-9) - math.log(b + 1e-9)) > TOLERANCE * max(1.0, abs(math.log(a + 1e-9)))}
    positions = sum(map(len, kl_hf.values()))
    assert positions > 5000 and len(moved) <= 1e-3 * positions, sorted(moved)
    n_tokens = len(next(iter(kl_hf.values())))
    hf_cells, tl_cells = _matrix_cells(hf_out / matrix), _matrix_cells(tl_out / matrix)
    for (i, j), a in hf_cells.items():
        b = tl_cells[(i, j)]
        if not math.isnan(a) and abs(a - b) > TOLERANCE * max(1.0, abs(a)):
            window = range(min(ranges["start"][i], n_tokens), min(ranges["end"][i], n_tokens))
            assert any((j, t) in moved for t in window), f"cell ({i}, {j}): {a} vs {b}, no position of it moved"
    assert sum(d > TOLERANCE for d in cells) <= len(moved) and max(cells) <= 1e-2
    # The row normalisation and the averages carry those cells into their rows and means, and nothing else.
    assert all(max(d) <= 1e-3 for name, d in differences.items() if d and name != matrix), \
        {name: max(d) for name, d in differences.items() if d}
    assert hf_run["suppression"]["prefix_reuse"] == "used" and not hf_run["suppression"]["full_recompute"]
    assert tl_run["suppression"]["prefix_reuse"].startswith("absent: the worker lacks logits.prefix_reuse")
    assert tl_run["suppression"]["full_recompute"] is True
