"""Where one worker pass spends its time: torch.profiler over the backend, in process (no gRPC).

Runs the anchor model's POOLED pass (all heads) or a suppressed logits pass on trace 2238 and
prints the self CPU time per operator, grouped into the stages of the pass (QK^T, softmax,
PV, masking, pooling, projections and MLP, LM head and nucleus, copies, the rest), plus the
CPU and wall time without the profiler. On a shared machine, compare CPU time with one thread
(``OMP_NUM_THREADS=1``): wall time, and the profiler's per-operator times, grow with the load. The same kind of ranges as ``worker_bench.py``.

    OMP_NUM_THREADS=1 python bench/profile_pass.py --case pooled
    python bench/profile_pass.py --case logits --repeats 3
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

from thought_anchors_worker import backends
from thought_anchors_worker.backend import (AttentionPass, CaptureMode, LoadOptions, LogitsPass, Nucleus,
                                            Suppression)

REPO = Path(__file__).resolve().parents[1]
TRACE = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"


def stage(name: str, shapes: list, num_ranges: int) -> str:
    """An aten operator (and its input shapes) -> the stage of the pass it belongs to."""
    if name == "aten::matmul":
        return "other ops"  # dispatches to bmm/mm, which carry the time
    if name in ("aten::bmm", "aten::matmul", "aten::mm", "aten::addmm", "aten::linear", "aten::baddbmm"):
        if name in ("aten::addmm", "aten::linear"):
            return "projections+MLP (linear)"
        if len(shapes) >= 2 and len(shapes[0]) == 3 and len(shapes[1]) == 3:
            a, b = shapes[0], shapes[1]
            if a[-1] == b[-2] and b[-1] < a[-1]:
                return "PV (probs @ V)"
            return "QK^T (scores)"
        if len(shapes) >= 2 and len(shapes[0]) == 3 and len(shapes[1]) == 2:
            return "pooling (membership matmul)"
        if len(shapes) >= 2 and len(shapes[0]) == 2 and len(shapes[1]) == 2:
            if shapes[1][-1] == num_ranges:
                return "pooling (membership matmul)"
            if max(shapes[1]) > 50_000:
                return "LM head"
            return "projections+MLP (linear)"
        return f"matmul other {shapes}"
    if name.startswith("aten::_scaled_dot_product") or name == "aten::scaled_dot_product_attention":
        return "attention in SDPA (fused)"
    groups = {
        "softmax": ("aten::_softmax", "aten::softmax"),
        "masking": ("aten::masked_fill_", "aten::masked_fill", "aten::triu_", "aten::ones", "aten::where",
                    "aten::logical_not", "aten::bitwise_and", "aten::__and__", "aten::add"),
        "pooling (index_add_, acc)": ("aten::index_add_", "aten::add_", "aten::div", "aten::index",
                                      "aten::any", "aten::all", "aten::min", "aten::max", "aten::item",
                                      "aten::_local_scalar_dense"),
        "score scaling (mul)": ("aten::mul",),
        "copies (copy_, contiguous, cat, repeat)": ("aten::copy_", "aten::clone", "aten::contiguous", "aten::cat",
                                                    "aten::repeat_interleave", "aten::_to_copy", "aten::expand",
                                                    "aten::index_select", "aten::empty", "aten::zeros",
                                                    "aten::zero_", "aten::fill_", "aten::empty_strided",
                                                    "aten::resize_", "aten::stack"),
        "RMSNorm/RoPE/SiLU elementwise": ("aten::pow", "aten::mean", "aten::rsqrt", "aten::neg", "aten::silu",
                                          "aten::cos", "aten::sin", "aten::embedding", "aten::sub"),
        "nucleus (top-k, exp, sums)": ("aten::topk", "aten::amax", "aten::gather", "aten::exp_", "aten::exp",
                                       "aten::clamp_", "aten::sub_", "aten::mul_", "aten::sum", "aten::cumsum",
                                       "aten::lt", "aten::clamp", "aten::arange"),
    }
    for group, names in groups.items():
        if name in names:
            return group
    return "other ops"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO / "bench/configs/anchor-qwen2.json"))
    parser.add_argument("--case", choices=["pooled", "logits", "sdpa"], default="pooled",
                        help="sdpa: the stock decoder forward without capture or LM head (the pass's floor)")
    parser.add_argument("--query-block", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5, help="timed passes without the profiler (median)")
    parser.add_argument("--top", type=int, default=25, help="operators listed")
    args = parser.parse_args(argv)

    backend = backends.load("hf", LoadOptions(args.model))
    info = backend.describe()
    text = json.loads((TRACE / "base_solution.json").read_text())["full_cot"]
    ids = backend.tokenize(text).ids
    n = len(ids)
    sentences = max(2, (n - 62) // 38)
    edges = [62 + (n - 62) * i // sentences for i in range(sentences + 1)]
    ranges = list(zip(edges[:-1], edges[1:]))
    cancel = threading.Event()

    if args.case == "sdpa":
        decoder, inputs = backend.lm.model.get_decoder(), torch.tensor([ids])

        def run():
            with torch.inference_mode():
                decoder(input_ids=inputs, use_cache=False)
    elif args.case == "pooled":
        forward = AttentionPass(ids, list(range(info.num_layers)), list(range(info.num_query_heads)),
                                CaptureMode.POOLED, ranges, None, args.query_block)
        run = lambda: backend.attention(forward, lambda *a: None, cancel)
    else:
        class Sink:
            def nucleus(self, variant, part): pass
            def full(self, variant, first, positions, logits): pass
        nucleus = Nucleus(0.9999, 100, 0.6, True)
        picks = [Suppression([ranges[i * len(ranges) // 4]]) for i in range(4)]
        forward = LogitsPass(ids, picks, nucleus, [], False, 1)
        run = lambda: backend.logits(forward, Sink(), cancel)

    run()  # warm-up
    walls, cpus = [], []
    for _ in range(args.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        start = time.perf_counter()
        run()
        profiled = time.perf_counter() - start

    by_stage: dict[str, float] = collections.defaultdict(float)
    by_op = prof.key_averages(group_by_input_shape=True)
    for event in by_op:
        by_stage[stage(event.key, event.input_shapes, len(ranges))] += event.self_cpu_time_total / 1e6
    total = sum(by_stage.values())
    print(f"{args.case}: N={n}, {len(ranges)} ranges, {torch.get_num_threads()} threads, load average "
          f"{os.getloadavg()[0]:.1f}; over {args.repeats} passes: CPU time median {statistics.median(cpus):.3f} s, "
          f"wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}); profiled pass {profiled:.3f} s wall, "
          f"operator self time {total:.3f} s")
    for name, seconds in sorted(by_stage.items(), key=lambda kv: -kv[1]):
        print(f"  {name:45s} {seconds:7.3f} s  {100 * seconds / profiled:5.1f}%")
    print(f"  {'outside operators (Python, dispatch)':45s} {profiled - total:7.3f} s  "
          f"{100 * (profiled - total) / profiled:5.1f}%")
    print(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=args.top,
                                                             max_name_column_width=30, max_shapes_column_width=60))
    return 0


if __name__ == "__main__":
    sys.exit(main())
