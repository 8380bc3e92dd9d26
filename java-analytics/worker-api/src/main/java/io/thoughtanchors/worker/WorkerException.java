package io.thoughtanchors.worker;

/**
 * A failed worker call. Unchecked so analysis code can stream and compose calls freely; the
 * CLI catches it at the top and prints {@link #getMessage()}, which is always one line.
 */
public final class WorkerException extends RuntimeException {

    /** Why the call failed, coarse enough for a caller to decide whether to retry or give up. */
    public enum Kind {
        /** No worker reachable, or the worker stopped answering (after the client's own retries). */
        UNAVAILABLE,
        /** The request was rejected; the message names the field. */
        INVALID_ARGUMENT,
        /** The worker is overloaded or a message exceeded a size limit (after the client's own retries). */
        RESOURCE_EXHAUSTED,
        DEADLINE_EXCEEDED,
        CANCELLED,
        /** The worker wants a token and got none. */
        UNAUTHENTICATED,
        /** The worker refused the token (or the client certificate). */
        PERMISSION_DENIED,
        INTERNAL,
        /** The worker answered something the wire contract does not allow. */
        CONTRACT_MISMATCH
    }

    private final Kind kind;
    private final boolean retryable;

    public WorkerException(Kind kind, String message) {
        this(kind, message, null, false);
    }

    public WorkerException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, false);
    }

    /**
     * @param retryable whether the caller may issue the call again: the worker failed after part of the answer had
     *                  arrived, so the client could not retry on its own (a streamed answer is never delivered twice)
     */
    public WorkerException(Kind kind, String message, Throwable cause, boolean retryable) {
        super(oneLine(kind, message), cause);
        this.kind = kind;
        this.retryable = retryable;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True when the call broke off mid-answer (the worker died or stopped answering after it had begun): a caller
     * that can discard the partial answer may start the call over. False when the client's own retries are spent or
     * retrying cannot help.
     */
    public boolean retryable() {
        return retryable;
    }

    private static String oneLine(Kind kind, String message) {
        String text = message == null || message.isBlank() ? "(no detail)" : message.strip();
        return kind + ": " + text.replaceAll("\\s*\\R\\s*", " ");
    }
}
