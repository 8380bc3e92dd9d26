"""Retrying what retrying can cure, within the call's own timeout. All four verbs are idempotent reads.

- A busy worker (RESOURCE_EXHAUSTED "worker busy", with the worker's hint in the trailing metadata
  `ta-retry-after-ms`; or gRPC's own "Concurrent RPC limit exceeded!") is not a failure: wait the hint,
  spread by jitter, plus a jittered backoff that grows with each refusal up to `max_backoff`, and try again
  as long as the call's timeout allows. Other RESOURCE_EXHAUSTED answers (device out of memory, a message
  over a size limit) would fail again and are raised at once.
- An unreachable worker (UNAVAILABLE), a worker that cancelled the call (it is shutting down), or a silent
  one (the idle timeout fired): up to `max_attempts` attempts in all, exponential backoff with full jitter.
  Round-robin sends each attempt to the next ready worker, so with several workers a call moves on.

Everything else is raised at once.
"""

from __future__ import annotations

import enum
import random
import time
from dataclasses import dataclass

import grpc

BUSY_HINT_KEY = "ta-retry-after-ms"
_GRPC_CONCURRENCY_REFUSAL = "Concurrent RPC limit exceeded!"  # gRPC Python's maximum_concurrent_rpcs refusal
_LONGEST_HINT = 60.0  # seconds: a hint beyond it is taken as this


class Trouble(enum.Enum):
    BUSY = "busy"        # retried until the timeout
    FAILED = "failed"    # retried up to max_attempts


def trouble_of(error: grpc.RpcError) -> tuple[Trouble | None, float]:
    """What a failed attempt means for retrying, and the worker's hint in seconds (0 if none)."""
    if not isinstance(error, grpc.Call):
        return None, 0.0
    code = error.code()
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        hint = _hint(error.trailing_metadata())
        if hint is not None or error.details() == _GRPC_CONCURRENCY_REFUSAL:
            return Trouble.BUSY, hint or 0.0
        return None, 0.0
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
        return Trouble.FAILED, 0.0
    return None, 0.0


def _hint(metadata) -> float | None:
    for key, value in metadata or ():
        if key == BUSY_HINT_KEY:
            try:
                return min(max(int(value), 0) / 1000.0, _LONGEST_HINT)
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4          # attempts in all for FAILED troubles
    initial_backoff: float = 0.2   # seconds
    max_backoff: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not 0 < self.initial_backoff <= self.max_backoff:
            raise ValueError(f"backoffs must satisfy 0 < initial_backoff <= max_backoff, got "
                             f"{self.initial_backoff}, {self.max_backoff}")


class Attempts:
    """The attempts of one call: how long the next may take, and whether (and after what pause) to retry."""

    def __init__(self, policy: RetryPolicy, timeout: float, rng: random.Random):
        self.policy = policy
        self.deadline = time.monotonic() + timeout
        self.rng = rng
        self.failures = 0
        self.refusals = 0

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def pause(self, trouble: Trouble | None, hint: float = 0.0) -> float | None:
        """Seconds to wait before the next attempt, or None: give up (raise the last error)."""
        if trouble is Trouble.BUSY:
            self.refusals += 1
            cap = min(self.policy.max_backoff, self.policy.initial_backoff * 2 ** min(self.refusals - 1, 30))
            delay = hint * self.rng.uniform(1.0, 1.5) + self.rng.uniform(0.0, cap)
        elif trouble is Trouble.FAILED:
            self.failures += 1
            if self.failures >= self.policy.max_attempts:
                return None
            cap = min(self.policy.max_backoff, self.policy.initial_backoff * 2 ** (self.failures - 1))
            delay = self.rng.uniform(0.0, cap)
        else:
            return None
        return delay if time.monotonic() + delay < self.deadline else None
