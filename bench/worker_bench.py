"""Worker benchmark: RAW, POOLED and Logits (1 and many suppression variants) over gRPC on loopback.

For each input length it reports wall time per call, tokens/s, achieved TFLOP/s (and the
fraction of --peak-tflops when given), peak memory (device memory on CUDA, process RSS on
CPU) and the bytes shipped. Inputs are prefixes of a published trace (repeated to reach
long lengths). Random-weight models measure speed, not science.

    python bench/worker_bench.py --model bench/configs/anchor-qwen2.json --tokens 2289
    python bench/worker_bench.py --model bench/configs/r1-distill-qwen-14b.json --device cuda \
        --tokens 2000 4000 7054 --peak-tflops 989 --json out.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import grpc
import torch

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_worker import backends
from thought_anchors_worker.backend import LoadOptions
from thought_anchors_worker.server import build_server
from thought_anchors_worker.validation import Limits

REPO = Path(__file__).resolve().parents[1]
TRACE = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"
TOKENS_PER_SENTENCE = 38  # trace 2238: 2289 tokens, 59 sentences


def flops(lm, n: int, queries: int | None = None, lm_head_rows: int = 0) -> float:
    """Forward FLOPs (lm: the backend's ModelInfo): dense layers for the computed rows, causal attention,
    and LM-head rows."""
    q = n if queries is None else queries
    d, h, kv, hd = lm.d_model, lm.num_query_heads, lm.num_kv_heads, lm.head_dim
    per_layer = 2 * q * (d * (h + 2 * kv) * hd + h * hd * d + 3 * d * lm.d_mlp)
    visible = q * (n - q) + q * (q + 1) / 2  # query-key pairs under the causal mask
    attention = 4 * h * hd * visible
    return lm.num_layers * (per_layer + attention) + 2 * lm_head_rows * d * lm.vocab_size


def peak_memory_gib(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def timed(call):
    start = time.perf_counter()
    shipped = sum(len(chunk.arrow_ipc) for chunk in call())
    return time.perf_counter() - start, shipped


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny-qwen2")
    parser.add_argument("--backend", default=backends.DEFAULT, choices=backends.names())
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--tokens", type=int, nargs="+", default=[512, 2289])
    parser.add_argument("--variants", type=int, default=8, help="suppression variants in the many-variant case")
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--query-block", type=int, default=None, help="default: 128 on CPU, 512 on CUDA")
    parser.add_argument("--peak-tflops", type=float, default=None, help="device peak for the utilisation column")
    parser.add_argument("--repeats", type=int, default=2, help="timed repeats after one warm-up (median kept)")
    parser.add_argument("--skip", nargs="*", default=[], help="cases to skip: raw pooled logits1 logitsN")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)

    backend = backends.load(args.backend, LoadOptions(args.model, args.dtype, args.device,
                                                      max_tokens=max(args.tokens)))
    lm = backend.describe()
    query_block = args.query_block or (128 if args.device == "cpu" else 512)
    server, port, _ = build_server(backend, "127.0.0.1:0", Limits(3 << 20, query_block, args.batch_size))
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 64 << 20)])
    stub = worker_pb2_grpc.ModelWorkerStub(channel)
    text = json.loads((TRACE / "base_solution.json").read_text())["full_cot"]
    base_ids = backend.tokenize(text).ids
    rows = []
    print(f"model {args.model} ({lm.architecture}, {lm.num_layers}x{lm.num_query_heads} heads, "
          f"{lm.dtype}, {args.device}); backend {lm.backend} {lm.backend_version}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads", file=sys.stderr)
    for n in args.tokens:
        ids = (base_ids * (n // len(base_ids) + 1))[:n]
        model_input = pb.ModelInput(token_ids=pb.TokenIds(ids=ids))
        sentences = max(2, (n - 62) // TOKENS_PER_SENTENCE)
        edges = [62 + (n - 62) * i // sentences for i in range(sentences + 1)]
        ranges = [pb.TokenRange(start=a, end=b) for a, b in zip(edges[:-1], edges[1:])]
        nucleus = pb.NucleusSpec(top_p=0.9999, max_k=100, temperature=0.6, round_logits_to_float16=True)
        picks = [ranges[i * len(ranges) // args.variants] for i in range(args.variants)]
        cases = {
            "pooled": (lambda: stub.Attention(pb.AttentionRequest(input=model_input, mode=pb.AttentionRequest.POOLED,
                                                                   pool_ranges=ranges)),
                       1, flops(lm, n)),
            "raw": (lambda: stub.Attention(pb.AttentionRequest(input=model_input, mode=pb.AttentionRequest.RAW,
                                                                layers=[lm.num_layers // 2])),
                    1, flops(lm, n) * (lm.num_layers // 2 + 1) / lm.num_layers),
            "logits1": (lambda: stub.Logits(pb.LogitsRequest(input=model_input, variants=[pb.Suppression()],
                                                              nucleus=nucleus)),
                        1, flops(lm, n, lm_head_rows=n)),
            "logitsN": (lambda: stub.Logits(pb.LogitsRequest(
                input=model_input, variants=[pb.Suppression(ranges=[r]) for r in picks], nucleus=nucleus,
                batch_size=args.batch_size)),
                args.variants,
                flops(lm, max(r.start for r in picks)) + sum(
                    flops(lm, n, queries=n - r.start, lm_head_rows=n - r.start) for r in picks)),
        }
        for name, (call, passes, work) in cases.items():
            if name in args.skip:
                continue
            if args.device.startswith("cuda"):
                torch.cuda.reset_peak_memory_stats()
            timed(call)
            samples = sorted(timed(call) for _ in range(args.repeats))
            seconds, shipped = samples[len(samples) // 2]
            tflops = work / seconds / 1e12
            row = {"case": name, "tokens": n, "sentences": len(ranges), "passes": passes,
                   "seconds": round(seconds, 3), "seconds_per_pass": round(seconds / passes, 3),
                   "tokens_per_s": round(n * passes / seconds), "tflops": round(tflops, 3),
                   "peak_fraction": round(tflops / args.peak_tflops, 3) if args.peak_tflops else None,
                   "peak_memory_gib": round(peak_memory_gib(args.device), 2), "mb_shipped": round(shipped / 1e6, 2)}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    channel.close()
    server.stop(grace=None)
    header = "| case | N | passes | s/call | s/pass | tokens/s | TFLOP/s | of peak | peak mem GiB | MB shipped |"
    print(header)
    print("|" + "---|" * 10)
    for r in rows:
        print(f"| {r['case']} | {r['tokens']} | {r['passes']} | {r['seconds']} | {r['seconds_per_pass']} | "
              f"{r['tokens_per_s']} | {r['tflops']} | {r['peak_fraction'] or 'n/a'} | {r['peak_memory_gib']} | "
              f"{r['mb_shipped']} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"model": args.model, "backend": args.backend, "device": args.device,
                                               "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
