"""The pooled pass against its floor, side by side in one process: CPU seconds per pass.

Loads the anchor model once (docs/algorithms.md §16.2, trace 2238, the ranges of profile_pass.py) and times,
round after round, the hf backend's POOLED pass (all layers and heads) for each query block given, and the
stock SDPA decoder forward on the same input (the same FLOPs, nothing materialised). Interleaving the cases in
one process keeps the ratios meaningful on a shared machine, where absolute times drift with the load.

    OMP_NUM_THREADS=1 python bench/pooled_vs_sdpa.py --query-blocks 128,256 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import torch

from thought_anchors_worker import backends
from thought_anchors_worker.backend import AttentionPass, CaptureMode, LoadOptions

REPO = Path(__file__).resolve().parents[1]
TRACE = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO / "bench/configs/anchor-qwen2.json"))
    parser.add_argument("--query-blocks", default="128", help="comma-separated query block sizes of the pooled pass")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    backend = backends.load("hf", LoadOptions(args.model))
    info = backend.describe()
    ids = backend.tokenize(json.loads((TRACE / "base_solution.json").read_text())["full_cot"]).ids
    n = len(ids)
    sentences = max(2, (n - 62) // 38)
    edges = [62 + (n - 62) * i // sentences for i in range(sentences + 1)]
    ranges = list(zip(edges[:-1], edges[1:]))
    decoder, inputs = backend.lm.model.get_decoder(), torch.tensor([ids])

    def sdpa():
        with torch.inference_mode():
            decoder(input_ids=inputs, use_cache=False)

    cases = {}
    for block in (int(b) for b in args.query_blocks.split(",")):
        forward = AttentionPass(ids, list(range(info.num_layers)), list(range(info.num_query_heads)),
                                CaptureMode.POOLED, ranges, None, block)
        cases[f"pooled, query block {block}"] = lambda f=forward: backend.attention(f, lambda *a: None,
                                                                                    threading.Event())
    cases["SDPA forward (floor)"] = sdpa
    for run in cases.values():
        run()  # warm-up
    seconds = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, run in cases.items():
            start = time.process_time()
            run()
            seconds[name].append(time.process_time() - start)
    floor = statistics.median(seconds["SDPA forward (floor)"])
    print(f"N={n}, {len(ranges)} ranges, {torch.get_num_threads()} threads, {args.rounds} rounds, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"  {name:28s} CPU median {median:.3f} s (min {min(values):.3f})  {median / floor:.2f}x the SDPA forward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
