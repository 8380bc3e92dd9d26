package io.thoughtanchors.pipeline.label;

/**
 * A labelling that could not be done, with what kind of problem it is. The message is one line and never holds an API
 * key (response bodies quoted in it have the key removed).
 */
public final class LabelException extends RuntimeException {

    public enum Kind {
        /** The API refused the key (401, 403): fix the key. */
        AUTH,
        /** The API refused the request (another 4xx): a wrong model name, base URL or a too long trace. */
        REQUEST,
        /** Still rate limited (429) after every retry. */
        RATE_LIMITED,
        /** Still failing (5xx) after every retry. */
        SERVER,
        /** The endpoint could not be reached or timed out after every retry. */
        TRANSPORT,
        /** The model's answer broke the wire format or the label schema after every retry. */
        BAD_RESPONSE
    }

    private final Kind kind;

    public LabelException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
