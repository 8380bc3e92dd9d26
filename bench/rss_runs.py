"""Resting RSS of one worker across consecutive suppression-matrix runs: a leak, or the allocator?

Serves the backend in process over gRPC on loopback (the real service: each call's forward on
its own thread) and drives it as `ta suppression-matrix` does: per run a baseline call, then the
suppressed sentences in calls of --variants-per-call, two calls in flight. After each run it
waits a second and records the process's RSS (VmRSS), glibc's view of the heap (mallinfo2:
bytes in use and bytes free but kept) and what tracemalloc sees of Python/NumPy allocations.
A leak grows "in use" or the traced bytes; the allocator grows only "free but kept".

    OMP_NUM_THREADS=1 python bench/rss_runs.py --runs 3
    MALLOC_ARENA_MAX=2 OMP_NUM_THREADS=1 python bench/rss_runs.py --runs 3
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_worker import backends
from thought_anchors_worker.backend import LoadOptions
from thought_anchors_worker.server import build_server
from thought_anchors_worker.validation import Limits

REPO = Path(__file__).resolve().parents[1]
TRACE = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap() -> dict:
    """glibc's heap: bytes allocated (in use), free but kept in the arenas, and mmapped chunks."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return {"in_use_gib": info.uordblks / 2**30, "free_kept_gib": info.fordblks / 2**30,
            "mmapped_gib": info.hblkhd / 2**30}


def rss_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 2**20
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO / "bench/configs/anchor-qwen2.json"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=59, help="suppressed sentences per run (59: trace 2238)")
    parser.add_argument("--variants-per-call", type=int, default=8)
    args = parser.parse_args(argv)

    tracemalloc.start()
    backend = backends.load("hf", LoadOptions(args.model))
    server, port, _ = build_server(backend, "127.0.0.1:0", Limits(3 << 20, 128, 1))
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 64 << 20)])
    stub = worker_pb2_grpc.ModelWorkerStub(channel)
    ids = backend.tokenize(json.loads((TRACE / "base_solution.json").read_text())["full_cot"]).ids
    n = len(ids)
    edges = [62 + (n - 62) * i // args.sentences for i in range(args.sentences + 1)]
    ranges = [pb.TokenRange(start=a, end=b) for a, b in zip(edges[:-1], edges[1:])]
    nucleus = pb.NucleusSpec(top_p=0.9999, max_k=100, temperature=0.6, round_logits_to_float16=True)
    model_input = pb.ModelInput(token_ids=pb.TokenIds(ids=ids))

    def call(variants) -> int:
        chunks = stub.Logits(pb.LogitsRequest(input=model_input, variants=variants, nucleus=nucleus))
        return sum(len(c.arrow_ipc) for c in chunks)

    def record(label: str, seconds: float) -> None:
        traced, _ = tracemalloc.get_traced_memory()
        row = {"after": label, "rss_gib": round(rss_gib(), 3), **{k: round(v, 3) for k, v in heap().items()},
               "traced_python_mib": round(traced / 2**20, 1), "seconds": round(seconds, 1)}
        print(json.dumps(row), flush=True)

    record("load", 0.0)
    groups = [ranges[i: i + args.variants_per_call] for i in range(0, len(ranges), args.variants_per_call)]
    with ThreadPoolExecutor(2) as pool:  # two calls in flight, as the Java client keeps them
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            call([pb.Suppression()])
            list(pool.map(lambda group: call([pb.Suppression(ranges=[r]) for r in group]), groups))
            elapsed = time.perf_counter() - start
            time.sleep(1.0)
            record(f"run {run}", elapsed)
    channel.close()
    server.stop(grace=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
