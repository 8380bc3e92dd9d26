"""Does the white-box pipeline find the planted anchor? The `ta` jar against a worker serving planted-qwen2.

    .venv/bin/python -m thought_anchors_worker serve --model planted-qwen2 --port 50051 &
    .venv/bin/python models/planted-anchor/measure.py --worker 127.0.0.1:50051 --out out/planted
    # the control: the same architecture and tokenizer with seeded random weights
    .venv/bin/python models/planted-anchor/measure.py --write-untrained out/planted-untrained
    .venv/bin/python -m thought_anchors_worker serve --model out/planted-untrained --port 50052 &
    .venv/bin/python models/planted-anchor/measure.py --worker 127.0.0.1:50052 --out out/planted-control

Runs, on the held-out traces of data/planted-anchor:
1. `ta receivers`: in how many traces the anchor has the top receiver-head score (sentence_scores.csv),
   against the chance rate (mean of 1/eligible sentences; the last proximity-4 sentences have no score);
2. `ta suppression-matrix`: in how many traces the answer row (the last sentence) of the raw matrix is
   largest in the anchor's column (columns before the answer);
3. `ta suppress-check` with the input cut after the last comparison question (its next token is the
   yes/no only the anchor decides), receiver heads ranked on all traces and on the trace alone: whether
   the high sentence is the anchor, and KL_high / KL_low.
Prints the figures and writes them to <out>/measure.json. tests/test_planted_anchor_e2e.py asserts
thresholds on the same figures, computed by the functions below.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import subprocess
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "planted-anchor"
TRACES = DATA / "planted-qwen2" / "correct_base_solution"
JAR = REPO / "java-analytics" / "cli" / "target" / "cli-0.1.0-SNAPSHOT-all.jar"


MODEL = REPO / "model-worker" / "src" / "thought_anchors_worker" / "trained" / "planted-qwen2"  # the worker's planted-qwen2


def write_untrained(folder: Path, seed: int = 0) -> Path:
    """planted-qwen2's architecture and tokenizer with seeded random weights: the control model."""
    import shutil

    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    torch.manual_seed(seed)
    AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(MODEL)).save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(MODEL / name, folder / name)
    return folder


def heldout() -> dict[str, dict]:
    """Held-out traces by the trace id `ta` gives them."""
    traces = [json.loads(line) for line in (DATA / "heldout.jsonl").read_text().splitlines()]
    return {f"planted-qwen2/correct/{t['id']}": t for t in traces}


def ta(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    result = subprocess.run(["java", "-jar", str(JAR), *args, "--no-progress"], capture_output=True, text=True,
                            timeout=timeout, cwd=REPO)
    if result.returncode != 0:
        raise RuntimeError(f"ta {args[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def top_receiver(sentence_scores: Path, traces: dict[str, dict]) -> dict:
    """Per trace: is the anchor the sentence with the top (finite) receiver-head score?"""
    scores = defaultdict(dict)
    with open(sentence_scores, newline="") as handle:
        for row in csv.DictReader(handle):
            value = float(row["receiver_score"])
            if math.isfinite(value):
                scores[row["trace_id"]][int(row["sentence_index"])] = value
    hits = {tid: max(scores[tid], key=scores[tid].get) == t["anchor_sentence"] for tid, t in traces.items()}
    chance = statistics.mean(1 / len(scores[tid]) for tid in traces)
    eligible = {tid: len(scores[tid]) for tid in traces}
    return {"rate": sum(hits.values()) / len(hits), "chance": chance, "hits": hits, "eligible": eligible}


def answer_row_peaks(suppression_out: Path, traces: dict[str, dict]) -> dict:
    """Per trace: is the raw suppression matrix's last row largest in the anchor's column?"""
    hits, margins = {}, {}
    for tid, t in traces.items():
        with open(suppression_out / tid / "suppression_matrix.csv", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        if len(rows) != t["num_sentences"]:
            raise AssertionError(f"{tid}: {len(rows)} sentences in the matrix, {t['num_sentences']} generated")
        answer = [float(x) for x in rows[-1][1:len(rows)]]  # columns j < the answer sentence
        others = [v for j, v in enumerate(answer) if j != t["anchor_sentence"]]
        hits[tid] = max(range(len(answer)), key=answer.__getitem__) == t["anchor_sentence"]
        margins[tid] = answer[t["anchor_sentence"]] - max(others)
    return {"rate": sum(hits.values()) / len(hits), "hits": hits, "margin_over_best_other": margins}


def suppress_check_args(trace: dict, heads_from: str = "DATA") -> list[str]:
    """`ta suppress-check` arguments for a trace: cut after its last comparison question; receiver heads
    ranked on every held-out trace (DATA, as receiver heads are defined) or on this trace alone (TRACE,
    as ARENA's single-trace exercise does)."""
    question = max(i for i, s in enumerate(trace["sentences"]) if s["role"] == "question")
    return ["suppress-check", "--data", str(DATA), "--problem", str(trace["id"]), "--heads-from", heads_from,
            "--truncate-after-sentence", str(question)]


def suppress_check(check_json: Path, trace: dict) -> dict:
    check = json.loads(check_json.read_text())
    return {"high_is_anchor": check["high"]["sentence_index"] == trace["anchor_sentence"],
            "kl_high": check["kl_high"], "kl_low": check["kl_low"], "ratio": check["ratio"],
            "passed": check["passed"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", help="HOST:PORT of a worker serving planted-qwen2 (or the control)")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "planted")
    parser.add_argument("--write-untrained", type=Path, metavar="DIR", help="only write the control model to DIR")
    args = parser.parse_args()
    if args.write_untrained:
        print(f"untrained control model in {write_untrained(args.write_untrained)}")
        return
    if not args.worker:
        parser.error("--worker is required")
    traces = heldout()
    out, cache = args.out, args.out / "cache"
    worker = ["--worker", args.worker, "--cache", str(cache)]
    ta("receivers", "--data", str(DATA), "--out", str(out / "receivers"), "--force", *worker)
    receivers = top_receiver(out / "receivers" / "sentence_scores.csv", traces)
    print(f"top receiver-head score on the anchor: {sum(receivers['hits'].values())}/{len(traces)} traces "
          f"= {receivers['rate']:.3f} (chance {receivers['chance']:.3f})")
    ta("suppression-matrix", "--data", str(DATA), "--out", str(out / "suppression"), "--force", *worker)
    answer = answer_row_peaks(out / "suppression", traces)
    print(f"answer row of the suppression matrix peaks at the anchor: {sum(answer['hits'].values())}/{len(traces)}"
          f" traces, margin over the best other column: min {min(answer['margin_over_best_other'].values()):.2f},"
          f" median {statistics.median(answer['margin_over_best_other'].values()):.2f}")
    checks = {}
    for heads_from in ("DATA", "TRACE"):
        checks[heads_from] = {}
        for tid, t in traces.items():
            folder = out / f"suppress-check-{heads_from.lower()}" / tid.replace("/", "_")
            ta(*suppress_check_args(t, heads_from), "--out", str(folder), "--force", *worker)
            checks[heads_from][tid] = suppress_check(folder / "suppress_check.json", t)
        found = checks[heads_from].values()
        ratios = [c["ratio"] for c in found]
        print(f"suppress-check, heads from {heads_from}: high sentence = anchor in "
              f"{sum(c['high_is_anchor'] for c in found)}/{len(traces)}, passed (KL_high > 10 KL_low) in "
              f"{sum(c['passed'] for c in found)}/{len(traces)}, ratio min {min(ratios):.3g}, median "
              f"{statistics.median(ratios):.3g}, KL_high median {statistics.median(c['kl_high'] for c in found):.3g}")
    (out / "measure.json").write_text(json.dumps({"receivers": receivers, "answer_row": answer,
                                                  "suppress_check": checks}, indent=2) + "\n")


if __name__ == "__main__":
    main()
