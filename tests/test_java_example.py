"""examples/java/PipelineExample.java, the pipeline library scripted from Java, against the `ta` command line.

The example runs receivers and a suppression matrix on one shipped trace with one local tiny-qwen2 worker and prints
a few numbers; the CLI, run on the same trace with the same cache, must write the same numbers. Random weights: this
checks the scripting API, not the science.
"""

from __future__ import annotations

import csv
import subprocess

import pytest

from conftest import CLI_JAR, REPO, SAMPLE, run_ta

TRACE = SAMPLE / "deepseek-r1-distill-llama-8b" / "incorrect_base_solution" / "problem_2189"
TRACE_ID = "deepseek-r1-distill-llama-8b/incorrect/2189"
EXAMPLE = REPO / "examples" / "java" / "PipelineExample.java"
# as `make java-example` (JAVA_SCRIPT_FLAGS): Arrow needs java.nio opened, and only its unsafe allocator is bundled
JAVA_FLAGS = ["--add-opens=java.base/java.nio=ALL-UNNAMED", "-Darrow.allocation.manager.type=Unsafe"]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("java-example")
    result = subprocess.run(["java", *JAVA_FLAGS, "-cp", str(CLI_JAR), str(EXAMPLE), str(TRACE), str(out)],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return out, printed


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_the_example_prints_the_receivers_numbers_the_cli_writes(example, tmp_path):
    out, printed = example
    cli = run_ta("receivers", "--data", str(TRACE), "--out", str(tmp_path / "receivers"), "--cache",
                 str(out / "cache"), "--no-progress")
    assert cli.returncode == 0, cli.stderr
    top = _rows(tmp_path / "receivers" / "top_heads.csv")
    assert top[0] == ["rank", "layer", "head", "mean_kurtosis"]
    assert printed["top_head"] == f"{top[1][1]},{top[1][2]}"
    assert printed["top_head_mean_kurtosis"] == top[1][3]
    scores = [r for r in _rows(tmp_path / "receivers" / "sentence_scores.csv")[1:] if r[0] == TRACE_ID]
    assert printed["receiver_score_0"] == scores[0][6]
    assert printed["model"] == "tiny-qwen2"


def test_the_example_prints_the_suppression_numbers_the_cli_writes(example, tmp_path):
    out, printed = example
    cli = run_ta("suppression-matrix", "--data", str(TRACE), "--local", "--out", str(tmp_path / "suppression"),
                 "--cache", str(out / "cache"), "--no-progress")
    assert cli.returncode == 0, cli.stderr
    matrix = _rows(tmp_path / "suppression" / TRACE_ID / "suppression_matrix.csv")
    n = len(matrix) - 1
    assert printed["sentences"] == str(n) and n >= 20
    assert printed["suppression_1_0"] == matrix[2][1]
    assert printed["suppression_last_0"] == matrix[n][1]
    assert int(printed["passes"]) == n + 1, "the example computed every pass; the CLI took them from the store"
    assert "0 passes computed" in cli.stdout
