"""`ta receivers` against a real worker process on loopback, over all shipped Qwen sample traces.

The tiny model has random weights: these tests check the pipeline (real tokenizer boundaries,
streaming, cache, failure handling), not receiver heads.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import re
import shutil
import subprocess

import pytest

from conftest import CLI_JAR, QWEN_SAMPLE, REPO, run_ta

TRACES = ["deepseek-r1-distill-qwen-14b/correct/2236", "deepseek-r1-distill-qwen-14b/correct/2238",
          "deepseek-r1-distill-qwen-14b/correct/3448"]


@pytest.fixture(scope="module")
def first_run(worker, tmp_path_factory):
    root = tmp_path_factory.mktemp("receivers")
    out, cache = root / "out", root / "cache"
    result = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--worker", worker.address,
                    "--out", str(out), "--cache", str(cache), "--no-progress")
    return result, out, cache


def _run_json(out):
    return json.loads((out / "run.json").read_text())


def test_receivers_runs_end_to_end_against_the_worker(first_run):
    result, out, _ = first_run
    assert result.returncode == 0, result.stderr
    run = _run_json(out)
    assert [t if isinstance(t, str) else t["id"] for t in run["traces"]] == TRACES
    text = json.dumps(run)
    assert "tiny-qwen2" in text and "synthetic" in text.lower()
    top = (out / "top_heads.csv").read_text().strip().splitlines()
    assert top[0].lower().startswith("rank") and len(top) == 1 + 12  # tiny-qwen2: layers 1-3 x 4 heads < 20
    assert "synthetic" in result.stdout.lower()


def test_second_run_is_served_from_the_cache_without_a_worker(first_run, tmp_path):
    result, out, cache = first_run
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again"
    second = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--out", str(again), "--cache", str(cache),
                    "--no-progress")
    assert second.returncode == 0, second.stderr
    assert (again / "top_heads.csv").read_text() == (out / "top_heads.csv").read_text()
    assert (again / "sentence_scores.csv").read_text() == (out / "sentence_scores.csv").read_text()
    assert json.loads((again / "run.json").read_text())["worker"]["contacted"] is False


def test_head_boundaries_reproduce_the_reference_with_the_real_tokenizer(worker, tmp_path):
    """docs/algorithms.md §3.1: HEAD prefix counting on trace 2238 with the Qwen BPE plus one BOS."""
    result = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--worker", worker.address, "--profile", "REF_HEAD",
                    "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--no-progress")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out" / "sentence_scores.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["trace_id"] == TRACES[1]]
    ranges = [(int(r["token_start"]), int(r["token_end"])) for r in rows]
    assert len(ranges) == 59  # n_lab - 1: HEAD drops the final labelled chunk
    assert ranges[:6] == [(62, 113), (113, 126), (126, 157), (157, 200), (200, 208), (208, 229)]
    assert ranges[-1] == (1775, 1784)


def test_bad_input_gives_a_clear_message_and_exit_code(worker, tmp_path):
    missing = run_ta("receivers", "--data", str(tmp_path / "nope"), "--worker", worker.address,
                     "--out", str(tmp_path / "o1"), "--no-progress")
    assert missing.returncode == 3 and "nope" in missing.stderr
    broken = tmp_path / "broken" / "deepseek-r1-distill-qwen-14b"
    shutil.copytree(QWEN_SAMPLE, broken)
    target = broken / "correct_base_solution" / "problem_2238" / "chunks_labeled.json"
    target.write_text("[{not json")
    malformed = run_ta("receivers", "--data", str(broken), "--worker", worker.address,
                       "--out", str(tmp_path / "o2"), "--no-progress")
    assert malformed.returncode == 3 and "chunks_labeled.json" in malformed.stderr
    unreachable = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--worker", "127.0.0.1:9",
                         "--out", str(tmp_path / "o3"), "--cache", str(tmp_path / "c3"), "--no-progress")
    assert unreachable.returncode == 4 and "127.0.0.1:9" in unreachable.stderr
    wrong = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--worker", worker.address, "--expect-model",
                   "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", "--out", str(tmp_path / "o4"),
                   "--cache", str(tmp_path / "c4"), "--no-progress")
    assert wrong.returncode == 4 and "tiny-qwen2" in wrong.stderr
    for result in (missing, malformed, unreachable, wrong):
        assert "Exception" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3


def _mount_tmpfs(target, size_bytes):
    """A real, small file system that fills up; None where this process may not mount one (not root, no caps)."""
    target.mkdir(parents=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(target)],
                          capture_output=True, text=True)
    return target if done.returncode == 0 else None


def test_a_full_output_disk_leaves_no_partial_file_and_no_run_json(first_run, tmp_path):
    """--force over a complete run on a disk that fills up mid-run: exit 5, the old run.json is gone, and every
    file left in the folder is whole (identical to the same run's file on a roomy disk)."""
    result, out, cache = first_run
    assert result.returncode == 0, result.stderr
    pages = sum(-(-p.stat().st_size // 4096) * 4096 for p in out.iterdir() if p.name != "run.json")
    small = _mount_tmpfs(tmp_path / "small", pages // 2)
    if small is None:
        pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN); ChecksumsTest and "
                    "SuppressionMatrixCommandTest cover the same with injected write failures")
    try:
        target = small / "out"
        target.mkdir()
        (target / "run.json").write_text((out / "run.json").read_text()[:2000])  # an earlier run's, with --force
        full = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--out", str(target), "--cache", str(cache),
                      "--force", "--no-progress")
        assert full.returncode == 5, full.stderr
        assert "No space left on device" in full.stderr, full.stderr
        assert len(full.stderr.strip().splitlines()) == 1, full.stderr
        left = sorted(p.name for p in target.iterdir())
        assert "run.json" not in left, "the folder must not look complete"
        assert not [name for name in left if name.endswith(".tmp")], left
        if "run.log" in left:  # the failure, written when the disk still had room for it
            assert "No space left on device" in (target / "run.log").read_text()
            left.remove("run.log")
        assert left, "some results fit before the disk filled up"
        for name in left:
            assert (target / name).read_bytes() == (out / name).read_bytes(), f"{name} is whole"
    finally:
        subprocess.run(["umount", str(small)], check=False)


PROGRESS_BAR = re.compile(r"\d+%\s*\[")


def test_progress_bars_go_to_a_terminal_only(worker, tmp_path):
    """A piped stderr gets warnings, never a bar; a terminal gets the bars."""
    piped = run_ta("receivers", "--data", str(QWEN_SAMPLE), "--worker", worker.address, "--out", str(tmp_path / "a"),
                   "--cache", str(tmp_path / "cache"))
    assert piped.returncode == 0, piped.stderr
    assert not PROGRESS_BAR.search(piped.stderr), piped.stderr
    master, slave = pty.openpty()
    try:
        on_terminal = subprocess.Popen(["java", "-jar", str(CLI_JAR), "receivers", "--data", str(QWEN_SAMPLE),
                                        "--out", str(tmp_path / "b"), "--cache", str(tmp_path / "cache")],
                                       stdout=subprocess.DEVNULL, stderr=slave, cwd=REPO)
        os.close(slave)
        shown = b""
        while True:  # read as it comes, so that a full terminal buffer never blocks the run
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the run closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        on_terminal.wait(timeout=300)
    finally:
        os.close(master)
    assert on_terminal.returncode == 0, shown[-500:]
    assert PROGRESS_BAR.search(shown.decode(errors="replace")) and b"analysis" in shown, shown[-500:]
