package io.thoughtanchors.worker.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;

import javax.net.ssl.SSLException;

/** Translates gRPC statuses into {@link WorkerException}s carrying the worker's own description. */
final class StatusErrors {

    private StatusErrors() {
    }

    /**
     * @param where     " from host:port" when the worker the call went to is known, else ""
     * @param retryable the call broke off after part of its answer had arrived
     */
    static WorkerException fromStatus(String verb, String where, StatusRuntimeException e, boolean retryable) {
        Status status = e.getStatus();
        Kind kind = kindOf(status.getCode());
        String code = kind.name().equals(status.getCode().name()) ? "" : " (gRPC " + status.getCode() + ")";
        return new WorkerException(kind, verb + where + ": " + detail(status) + code, e, retryable);
    }

    /**
     * The worker's description; for a failure inside the client's transport (TLS, a refused connection) gRPC's is
     * generic ("io exception"), so the underlying cause is added: it says which certificate or socket failed.
     */
    static String detail(Status status) {
        String description = status.getDescription() == null ? "no description"
                : status.getDescription().replaceAll("\\s*Channel Pipeline: \\[[^\\]]*]", "").strip();
        Throwable root = status.getCause();
        boolean handshake = false;
        for (Throwable t = root; t != null; t = t.getCause() == t ? null : t.getCause()) {
            handshake |= t instanceof SSLException;
            root = t;
        }
        if (handshake) {
            return "TLS handshake failed: " + root.getMessage();
        }
        if (root == null || root.getMessage() == null || description.contains(root.getMessage())) {
            return description;
        }
        return description + " (" + root.getMessage() + ")";
    }

    static Kind kindOf(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE -> Kind.UNAVAILABLE;
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> Kind.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> Kind.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> Kind.DEADLINE_EXCEEDED;
            case CANCELLED -> Kind.CANCELLED;
            case UNAUTHENTICATED -> Kind.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Kind.PERMISSION_DENIED;
            // the worker does not implement a verb of this contract
            case UNIMPLEMENTED -> Kind.CONTRACT_MISMATCH;
            default -> Kind.INTERNAL;
        };
    }
}
