"""The pooled pass against its floor, side by side in one process: CPU seconds per pass.

Loads the anchor model once (docs/algorithms.md §16.2, trace 2238, the ranges of profile_pass.py) and times,
round after round, the hf backend's POOLED pass (all layers and heads) for each query block given, and the
stock SDPA decoder forward on the same input (the same FLOPs, nothing materialised). Interleaving the cases in
one process keeps the ratios meaningful on a shared machine, where absolute times drift with the load.

It also measures the floor: each layer's attention at the time of the bare causal SDPA kernel on the same
shapes, and its projections and MLP at the time of the same float32 GEMMs; everything else the forward does
(embedding, norms, RoPE) counts zero. (Its GFLOP count takes attention over the full square.)
Wall clock is the figure for the worker's threads (torch's default: one per core); CPU seconds are printed too.

    python bench/pooled_vs_sdpa.py --rounds 7                    # the worker's threads (one per core)
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
    cases["SDPA forward"] = sdpa
    floor_parts, flops = floor_cases(backend.lm.model.config, n)
    cases.update(floor_parts)
    for run in cases.values():
        run()  # warm-up
    wall = {name: [] for name in cases}
    cpu = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, run in cases.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    floor = sum(statistics.median(wall[name]) for name in floor_parts)
    forward = statistics.median(wall["SDPA forward"])
    print(f"N={n}, {len(ranges)} ranges, {torch.get_num_threads()} threads, {args.rounds} rounds, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  {'floor':28s} wall median {floor:.3f} s ({flops / 1e9:.1f} GFLOP: the bare kernels below)")
    for name in cases:
        median = statistics.median(wall[name])
        print(f"  {name:28s} wall median {median:.3f} s (min {min(wall[name]):.3f}), CPU {statistics.median(cpu[name]):.3f} s"
              f"  {median / forward:.2f}x the SDPA forward, {median / floor:.2f}x the floor")
    return 0


def floor_cases(config, n: int):
    """The floor's parts, each over all layers: the bare causal SDPA kernel on the layer's attention shapes, and the
    layer's projections and MLP as float32 GEMMs. Also the FLOPs of the decoder's layers, attention over the full square."""
    heads, kv_heads = config.num_attention_heads, config.num_key_value_heads
    hidden, inner = config.hidden_size, config.intermediate_size
    head_dim = getattr(config, "head_dim", None) or hidden // heads
    layers = config.num_hidden_layers
    q, k, v = (torch.randn(1, heads, n, head_dim) for _ in range(3))
    x, x_heads, x_inner = torch.randn(n, hidden), torch.randn(n, heads * head_dim), torch.randn(n, inner)
    w_q, w_kv = torch.randn(hidden, heads * head_dim), torch.randn(hidden, 2 * kv_heads * head_dim)
    w_o, w_gate_up, w_down = torch.randn(heads * head_dim, hidden), torch.randn(hidden, 2 * inner), torch.randn(inner, hidden)

    def attention():
        with torch.inference_mode():
            for _ in range(layers):
                torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)

    def dense():
        with torch.inference_mode():
            for _ in range(layers):
                x @ w_q, x @ w_kv, x_heads @ w_o, x @ w_gate_up, x_inner @ w_down

    weights = (w_q, w_kv, w_o, w_gate_up, w_down)
    flops = layers * (4 * n * n * head_dim * heads + 2 * n * sum(w.numel() for w in weights))
    return {"floor: SDPA kernel": attention, "floor: dense GEMMs": dense}, flops


if __name__ == "__main__":
    sys.exit(main())
