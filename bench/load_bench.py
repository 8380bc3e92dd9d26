"""Load on loopback: K clients x M calls at once against one or several workers, through the Python client,
over TLS with a bearer token (a throwaway CA made for the run), as a GPU box would be used.

No call may be lost: each succeeds, possibly after busy refusals (RESOURCE_EXHAUSTED "worker busy") that the
client retried, and answers what one call alone answers. Reports per scenario the calls' p50/p99 latency
(retries included), the retries by reason, and each worker's resident memory (now and peak). Timings on a
shared CPU machine are noisy; they are recorded in docs/performance.md, never asserted.

    python bench/load_bench.py --model tiny-qwen2 --scenarios 8x4 32x3 --workers 1 2 --max-waiting 2

clients/python/tests/test_load.py runs `run_load` on the same scenarios and asserts that nothing is lost.
The worker processes and the CA are the tests' own helpers (clients/python/tests/conftest.py,
model-worker/tests/throwaway_ca.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import thought_anchors_client as ta

REPO = Path(__file__).resolve().parents[1]
TRACE = REPO / "data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class LoadResult:
    clients: int
    calls: int
    latencies: list[float] = field(default_factory=list)   # seconds, one per call that answered right
    failures: list[str] = field(default_factory=list)      # calls that raised or answered wrong
    retried: Counter = field(default_factory=Counter)      # the clients' retries, by reason

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) if self.latencies else float("nan")


def run_load(connect: Callable[[], ta.Client], clients: int, calls: int, call: Callable[[ta.Client], object],
             correct: Callable[[object], bool]) -> LoadResult:
    """`clients` threads, each with its own Client (its own channel), start together and make `calls` calls
    one after another."""
    result = LoadResult(clients, calls)
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def one_client(index: int) -> None:
        with connect() as client:
            client.describe()  # connected before the barrier: the load is the calls, not the handshakes
            start.wait()
            for number in range(calls):
                began = time.monotonic()
                try:
                    answer = call(client)
                    problem = None if correct(answer) else "a wrong answer"
                except ta.WorkerError as error:
                    problem = str(error)
                elapsed = time.monotonic() - began
                with lock:
                    if problem is None:
                        result.latencies.append(elapsed)
                    else:
                        result.failures.append(f"client {index} call {number}: {problem}")
            with lock:
                result.retried.update(client.retried)

    threads = [threading.Thread(target=one_client, args=(i,), name=f"load-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def sentence_ranges(client: ta.Client, text: str, sentences: int = 6) -> list[tuple[int, int]]:
    """`text`'s tokens after BOS split into `sentences` equal ranges (sentence-like pooling ranges)."""
    n = len(client.tokenize(text).ids)
    bounds = np.linspace(1, n, sentences + 1).astype(int).tolist()
    return list(zip(bounds[:-1], bounds[1:]))


def pooled_call(text: str, ranges: list[tuple[int, int]]) -> Callable[[ta.Client], np.ndarray]:
    """The load's call: POOLED attention over every layer and head."""
    return lambda client: client.attention(text, ta.POOLED, pool_ranges=ranges)


def same_as(reference: np.ndarray) -> Callable[[np.ndarray], bool]:
    return lambda got: got.shape == reference.shape and bool(np.allclose(got, reference, equal_nan=True))


def memory_kib(pid: int) -> dict[str, int]:
    """The process's resident memory now and at its peak (Linux /proc), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def secured_workers(folder: Path, model: str, count: int, *extra: str):
    """`count` workers serving TLS with a token on loopback; returns (workers, the connect() keyword arguments)."""
    conftest = _load("client_test_conftest", REPO / "clients/python/tests/conftest.py")
    authority = conftest.load_by_path("throwaway_ca", REPO / "model-worker/tests/throwaway_ca.py") \
        .CertificateAuthority(folder / "ca")
    issued = authority.issue("worker")
    token_file = folder / "token.txt"
    token_file.write_text(f"load-{time.monotonic_ns()}\n")
    flags = ("--tls-cert", str(issued.cert), "--tls-key", str(issued.key), "--token-file", str(token_file))
    workers = []
    try:
        for _ in range(count):
            workers.append(conftest.Worker(model, folder, *flags, *extra))
    except BaseException:
        for worker in workers:
            worker.stop()
        raise
    return workers, {"tls_ca": authority.cert, "token_file": token_file}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tiny-qwen2")
    parser.add_argument("--scenarios", nargs="+", default=["8x4", "32x3"], help="CLIENTSxCALLS")
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--max-waiting", type=int, default=2, help="each worker's --max-waiting")
    parser.add_argument("--chars", type=int, default=600, help="characters of the trace each call analyses")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    scenarios = [tuple(int(x) for x in s.lower().split("x")) for s in args.scenarios]
    text = json.loads((TRACE / "base_solution.json").read_text())["full_cot"][: args.chars]
    rows = []
    print("| workers | clients x calls | calls answered | p50 s | p99 s | retries | worker RSS MiB (peak) |")
    print("|---|---|---|---|---|---|---|")
    for count in args.workers:
        with tempfile.TemporaryDirectory() as folder:
            workers, security = secured_workers(Path(folder), args.model, count, "--max-waiting",
                                                str(args.max_waiting))
            try:
                addresses = [w.address.replace("127.0.0.1", "localhost") for w in workers]

                def connect() -> ta.Client:
                    return ta.connect(addresses, **security, initial_backoff=0.05, max_backoff=1.0,
                                      stream_timeout=600)

                with connect() as alone:  # the reference: the answer of a call made alone
                    call = pooled_call(text, sentence_ranges(alone, text))
                    reference = call(alone)
                for clients, calls in scenarios:
                    result = run_load(connect, clients, calls, call, same_as(reference))
                    memory = [memory_kib(w.proc.pid) for w in workers]
                    row = {"workers": count, "clients": clients, "calls": calls,
                           "answered": len(result.latencies), "lost": len(result.failures),
                           "p50_s": result.percentile(50), "p99_s": result.percentile(99),
                           "retried": dict(result.retried),
                           "rss_mib": [round(m["VmRSS"] / 1024) for m in memory],
                           "peak_rss_mib": [round(m["VmHWM"] / 1024) for m in memory]}
                    rows.append(row)
                    print(f"| {count} | {clients} x {calls} | {row['answered']} of {clients * calls} | "
                          f"{row['p50_s']:.3f} | {row['p99_s']:.3f} | "
                          f"{', '.join(f'{k} {v}' for k, v in sorted(row['retried'].items())) or 'none'} | "
                          f"{', '.join(f'{r} ({p})' for r, p in zip(row['rss_mib'], row['peak_rss_mib']))} |")
                    for failure in result.failures[:5]:
                        print(f"  lost: {failure}", file=sys.stderr)
            finally:
                for worker in workers:
                    worker.stop()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 1 if any(row["lost"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
