package io.thoughtanchors.worker.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;

/** Translates gRPC statuses into {@link WorkerException}s carrying the worker's own description. */
final class StatusErrors {

    private StatusErrors() {
    }

    static WorkerException fromStatus(String verb, StatusRuntimeException e) {
        Status status = e.getStatus();
        Kind kind = kindOf(status.getCode());
        String detail = status.getDescription() != null ? status.getDescription() : "no description";
        String code = kind.name().equals(status.getCode().name()) ? "" : " (gRPC " + status.getCode() + ")";
        return new WorkerException(kind, verb + ": " + detail + code, e);
    }

    static Kind kindOf(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE -> Kind.UNAVAILABLE;
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> Kind.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> Kind.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Kind.DEADLINE_EXCEEDED;
            case CANCELLED -> Kind.CANCELLED;
            // the worker does not implement a verb of this contract
            case UNIMPLEMENTED -> Kind.CONTRACT_MISMATCH;
            default -> Kind.INTERNAL;
        };
    }
}
