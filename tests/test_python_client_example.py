"""The Python client's suppression-check example and `ta suppress-check` on the same worker, trace and options
print the same numbers: two independent implementations (NumPy in the example, the Java analysis in `ta`) of
sentence location, token boundaries, vertical scores, kurtosis, head ranking, receiver scores and KL.

Compared on `ta`'s documented terminal output (`ta suppress-check --help`), which prints 6 significant
digits: KL values, ratio and receiver scores agree to a relative 1e-5, everything else exactly.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO, SAMPLE, WorkerProcess, run_ta

EXAMPLE = REPO / "clients" / "python" / "examples" / "suppress_check.py"
LLAMA = SAMPLE / "deepseek-r1-distill-llama-8b" / "incorrect_base_solution"

# (model, trace, options both programs take); `ta` gets the RECOMMENDED profile, whose fixed choices
# (labelled chunks as sentences, no truncation, NaN kept for empty ranges, NaN-mean over heads) the example makes.
CASES = {
    "tutorial": ("tiny-qwen2", LLAMA / "problem_2189",
                 ["--depth-control", "RANK", "--layer-zero", "INCLUDE", "--boundary-mode", "OFFSETS", "--proximity",
                  "4", "--top-k", "20", "--suppress-heads", "5", "--temperature", "1.0"]),
    "variant": ("tiny-llama", LLAMA / "problem_330",
                ["--depth-control", "NONE", "--layer-zero", "EXCLUDE", "--boundary-mode", "HEAD_PREFIX_COUNT",
                 "--proximity", "2", "--top-k", "10", "--suppress-heads", "3", "--temperature", "0.7",
                 "--truncate-after-sentence", "15"]),
}


@pytest.fixture(scope="module")
def llama_worker(tmp_path_factory):
    process = WorkerProcess("tiny-llama", tmp_path_factory.mktemp("llama"))
    yield process
    process.stop()


def _parse(stdout: str) -> dict:
    heads = re.search(r"receiver heads suppressed \(layer -> heads[^)]*\): \{(.*)\}", stdout).group(1)
    sentence = r"sentence (\d+), receiver score (\S+), tokens \[(\d+), (\d+)\)"
    high, low = re.search(r"high: +" + sentence, stdout), re.search(r"low: +" + sentence, stdout)
    kl = re.search(r"KL_high = (\S+), KL_low = (\S+), ratio = (\S+)\n", stdout)
    return {
        "input_tokens": int(re.search(r"(\d+) input tokens", stdout).group(1)),
        "layer_heads": {int(layer): [int(h) for h in hs.split(",") if h.strip()]
                        for layer, hs in re.findall(r"(\d+)[=:] ?\[([\d, ]*)\]", heads)},
        "high": (int(high.group(1)), int(high.group(3)), int(high.group(4))),
        "low": (int(low.group(1)), int(low.group(3)), int(low.group(4))),
        "scores": [float(high.group(2)), float(low.group(2))],
        "kl": [float(v.rstrip(",")) for v in kl.groups()],
        "verdict": re.search(r"^ +(PASS|FAIL): ", stdout, re.MULTILINE).group(1),
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_example_prints_the_numbers_of_ta_suppress_check(case, worker, llama_worker, tmp_path):
    model, trace, options = CASES[case]
    address = worker.address if model == "tiny-qwen2" else llama_worker.address
    cli = run_ta("suppress-check", "--trace", str(trace), "--worker", address, "--profile", "RECOMMENDED",
                 "--sentence-source", "ALL_LABELLED", "--cache", str(tmp_path / "cache"), "--no-progress", *options)
    assert cli.returncode == 0, cli.stderr
    example = subprocess.run([sys.executable, str(EXAMPLE), "--trace", str(trace), "--worker", address, *options],
                             capture_output=True, text=True, timeout=600, cwd=REPO)
    assert example.returncode == 0, example.stderr
    expected, got = _parse(cli.stdout), _parse(example.stdout)
    for key in ("input_tokens", "layer_heads", "high", "low", "verdict"):
        assert got[key] == expected[key], (key, example.stdout, cli.stdout)
    assert got["scores"] == pytest.approx(expected["scores"], rel=1e-5)
    assert got["kl"] == pytest.approx(expected["kl"], rel=1e-5)
    assert got["kl"][0] > 0 and got["kl"][1] > 0 and got["high"][0] != got["low"][0]  # not a vacuous agreement
