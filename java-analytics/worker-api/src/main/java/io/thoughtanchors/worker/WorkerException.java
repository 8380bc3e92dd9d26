package io.thoughtanchors.worker;

/**
 * A failed worker call. Unchecked so analysis code can stream and compose calls freely; the
 * CLI catches it at the top and prints {@link #getMessage()}, which is always one line.
 */
public final class WorkerException extends RuntimeException {

    /** Why the call failed, coarse enough for a caller to decide whether to retry or give up. */
    public enum Kind {
        /** No worker reachable (after the transport's own retries). */
        UNAVAILABLE,
        /** The request was rejected; the message names the field. */
        INVALID_ARGUMENT,
        /** The worker is overloaded or a message exceeded a size limit. */
        RESOURCE_EXHAUSTED,
        DEADLINE_EXCEEDED,
        CANCELLED,
        INTERNAL,
        /** The worker answered something the wire contract does not allow. */
        CONTRACT_MISMATCH
    }

    private final Kind kind;

    public WorkerException(Kind kind, String message) {
        this(kind, message, null);
    }

    public WorkerException(Kind kind, String message, Throwable cause) {
        super(oneLine(kind, message), cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    private static String oneLine(Kind kind, String message) {
        String text = message == null || message.isBlank() ? "(no detail)" : message.strip();
        return kind + ": " + text.replaceAll("\\s*\\R\\s*", " ");
    }
}
