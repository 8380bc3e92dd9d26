"""Load and a hung worker, through the client, over TLS with a token (bench/load_bench.py's driver).

K clients x M calls at once against one and two workers that admit few calls (--max-waiting 1): no call is
lost — each answers what a call made alone answers, some only after busy refusals the client retried.
Latencies are the benchmark's business (docs/performance.md), not asserted here."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

import thought_anchors_client as ta
from conftest import REPO, load_by_path

bench = load_by_path("load_bench", REPO / "bench/load_bench.py")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    workers, security = bench.secured_workers(tmp_path_factory.mktemp("load"), "tiny-qwen2", 2, "--max-waiting", "1")
    for worker in workers:
        worker.address = worker.address.replace("127.0.0.1", "localhost")  # a name their certificate carries
    yield workers, security
    for worker in workers:
        worker.stop()


@pytest.mark.parametrize("count", [1, 2])
def test_no_call_is_lost_under_load(two_workers, trace_text, count):
    workers, security = two_workers
    addresses = [w.address for w in workers[:count]]
    text = trace_text[:200]

    def connect() -> ta.Client:
        return ta.connect(addresses, **security, initial_backoff=0.05, max_backoff=0.5, stream_timeout=300)

    with connect() as alone:
        call = bench.pooled_call(text, bench.sentence_ranges(alone, text))
        reference = call(alone)
    assert reference.shape[-1] == 6 and np.isfinite(reference).all()
    retried = {}
    for clients, calls in [(8, 4), (32, 3)]:
        result = bench.run_load(connect, clients, calls, call, bench.same_as(reference))
        assert result.failures == [] and len(result.latencies) == clients * calls
        retried[(clients, calls)] = result.retried
        assert set(result.retried) <= {"busy"}, result.retried  # nothing but busy refusals needed curing
    if count == 1:  # 32 clients at a worker admitting 2 calls: refusals happened, and were cured
        assert retried[(32, 3)]["busy"] > 0


def test_a_worker_that_hangs_mid_answer_is_named_by_the_idle_timeout(two_workers, trace_text):
    workers, security = two_workers
    hung = workers[0]
    with ta.connect(hung.address, **security, idle_timeout=1.5, max_attempts=1, stream_timeout=60) as c:
        ids = c.tokenize(trace_text * 2).ids
        layers = c.attention_layers(ids, ta.RAW)  # megabytes a layer: flow control holds the worker back
        next(layers)
        os.kill(hung.proc.pid, signal.SIGSTOP)  # the worker freezes mid-answer (a hung GPU, a stopped process)
        try:
            started = time.monotonic()
            with pytest.raises(ta.IdleTimeoutError) as info:
                for _ in layers:
                    pass
            waited = time.monotonic() - started
        finally:
            os.kill(hung.proc.pid, signal.SIGCONT)
    port = hung.address.rsplit(":", 1)[1]
    message = str(info.value)
    assert f":{port} started the answer and then sent nothing for 1.5 s" in message, message
    assert info.value.code.name == "DEADLINE_EXCEEDED" and "Attention" in message
    assert 1.4 < waited < 30
    with ta.connect(hung.address, **security) as c:  # the worker serves on once it runs again
        assert len(c.tokenize("still here").ids) > 1


def test_a_frozen_worker_among_two_costs_a_retry_not_the_call(two_workers, trace_text):
    """A worker frozen before it answers (no headers, so no idle timeout): keepalive fails its connection and
    the call is retried on the other worker. Round-robin alternates over the two, so one of the first two
    calls meets the frozen one."""
    workers, security = two_workers
    text = trace_text[:200]
    with ta.connect([w.address for w in workers], **security, keepalive=10, initial_backoff=0.05,
                    stream_timeout=120) as c:
        call = bench.pooled_call(text, bench.sentence_ranges(c, text))
        reference = call(c)
        for _ in range(4):  # both connected before one freezes
            call(c)
        frozen = workers[1]
        os.kill(frozen.proc.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            answers = [call(c) for _ in range(2)]
            waited = time.monotonic() - started
        finally:
            os.kill(frozen.proc.pid, signal.SIGCONT)
    assert all(np.array_equal(a, reference, equal_nan=True) for a in answers)
    assert sum(c.retried.values()) >= 1 and waited < 90, (c.retried, waited)
