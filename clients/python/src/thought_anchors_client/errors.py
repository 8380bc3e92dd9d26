"""Failed worker calls as Python exceptions: the gRPC status, the verb and the worker's own message.

Catch `WorkerError` for every failure, or one of its subclasses to decide what to do:
retry later on `ResourceExhaustedError` (worker busy) and `UnavailableError` (no worker reachable,
after the channel's own retries), fix the request on `InvalidArgumentError`. `ContractViolation`
means the worker answered something the wire contract does not allow (a broken or foreign server):
nothing of such a reply is returned.
"""

from __future__ import annotations

import grpc


class WorkerError(Exception):
    """A failed call. `code` is the gRPC status (None for a `ContractViolation`), `details` the worker's message."""

    def __init__(self, verb: str, code: grpc.StatusCode | None, details: str):
        self.verb = verb
        self.code = code
        self.details = details
        status = f" ({code.name})" if code is not None else ""
        super().__init__(f"{verb}{status}: {details}")


class InvalidArgumentError(WorkerError):
    """The worker rejected the request (INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION); the message names the field."""


class ResourceExhaustedError(WorkerError):
    """The worker is busy (calls already waiting), out of device memory, or a message exceeded a size limit."""


class UnavailableError(WorkerError):
    """No worker could be reached (after the channel's retries)."""


class DeadlineExceededError(WorkerError):
    """The call ran past its deadline (the client's `unary_timeout` / `stream_timeout` or a per-call `timeout`)."""


class CallCancelledError(WorkerError):
    """The call was cancelled (by this client, e.g. on close, or by the server)."""


class ContractViolation(WorkerError):
    """The reply breaks the wire contract (shape, order, completeness, schema, contract version)."""

    def __init__(self, verb: str, details: str):
        super().__init__(verb, None, details)


_BY_CODE: dict[grpc.StatusCode, type[WorkerError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.OUT_OF_RANGE: InvalidArgumentError,
    grpc.StatusCode.FAILED_PRECONDITION: InvalidArgumentError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.CANCELLED: CallCancelledError,
}


def from_rpc_error(verb: str, error: grpc.RpcError) -> WorkerError:
    """The exception for a failed call; unknown codes (INTERNAL, UNIMPLEMENTED, ...) give a plain `WorkerError`."""
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = (error.details() if isinstance(error, grpc.Call) else None) or "no description"
    return _BY_CODE.get(code, WorkerError)(verb, code, details)
