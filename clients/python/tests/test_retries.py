"""What the client retries and how long it waits, without a worker: the busy hint, backoff bounds, give-up."""

from __future__ import annotations

import random

import grpc
import pytest

from thought_anchors_client import retries


class Failed(grpc.RpcError, grpc.Call):
    """A failed call as gRPC raises it: status, details and trailing metadata."""

    def __init__(self, code, details="", trailing=()):
        self._code, self._details, self._trailing = code, details, tuple(trailing)

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailing

    def initial_metadata(self):
        return ()

    def is_active(self):
        return False

    def time_remaining(self):
        return None

    def cancel(self):
        return False

    def add_callback(self, callback):
        return False


BUSY = grpc.StatusCode.RESOURCE_EXHAUSTED


def test_the_workers_busy_hint_is_read_and_bounded():
    assert retries.trouble_of(Failed(BUSY, "worker busy", [("ta-retry-after-ms", "750")])) == (retries.Trouble.BUSY, 0.75)
    assert retries.trouble_of(Failed(BUSY, "worker busy", [("ta-retry-after-ms", "99999999")]))[1] == 60.0
    assert retries.trouble_of(Failed(BUSY, "Concurrent RPC limit exceeded!")) == (retries.Trouble.BUSY, 0.0)
    # Out of device memory, or a message over the size limit: retrying would fail the same way.
    assert retries.trouble_of(Failed(BUSY, "CUDA out of memory")) == (None, 0.0)
    assert retries.trouble_of(Failed(grpc.StatusCode.UNAVAILABLE))[0] is retries.Trouble.FAILED
    for code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.INTERNAL):
        assert retries.trouble_of(Failed(code)) == (None, 0.0)


def test_busy_pauses_wait_at_least_the_hint_and_grow_up_to_the_cap():
    attempts = retries.Attempts(retries.RetryPolicy(4, 0.1, 0.4), timeout=1000, rng=random.Random(1))
    pauses = [attempts.pause(retries.Trouble.BUSY, 0.5) for _ in range(50)]
    assert all(0.5 <= p <= 0.5 * 1.5 + 0.4 for p in pauses)
    assert max(pauses) > 0.5 * 1.5  # the backoff part grows past the first cap of 0.1
    assert attempts.refusals == 50 and attempts.failures == 0  # busy refusals never use up max_attempts


def test_failures_give_up_after_max_attempts_and_nothing_outlives_the_timeout():
    attempts = retries.Attempts(retries.RetryPolicy(3, 0.1, 1.0), timeout=1000, rng=random.Random(2))
    assert [attempts.pause(retries.Trouble.FAILED) is not None for _ in range(3)] == [True, True, False]
    short = retries.Attempts(retries.RetryPolicy(4, 0.1, 1.0), timeout=0.2, rng=random.Random(3))
    assert short.pause(retries.Trouble.BUSY, 5.0) is None  # the hint would outlive the call's timeout
    assert retries.Attempts(retries.RetryPolicy(), 10, random.Random()).pause(None) is None


@pytest.mark.parametrize("policy", [(0, 0.1, 1.0), (3, 0.0, 1.0), (3, 2.0, 1.0)])
def test_bad_policies_are_refused(policy):
    with pytest.raises(ValueError):
        retries.RetryPolicy(*policy)
