package io.thoughtanchors.pipeline.label;

import java.util.Optional;

/**
 * An API key that cannot leak by accident: {@link #toString()} hides it, and {@link #redact} removes it from any text
 * an endpoint sends back before that text reaches a message, log or file. Only the backends read {@link #value()},
 * to put it into a request header.
 */
public final class ApiKey {

    private static final String HIDDEN = "[api key]";

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /** @throws IllegalArgumentException if blank or holding line breaks (it would break the header); says nothing of it */
    public static ApiKey of(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty() || v.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("the API key is empty or holds a line break");
        }
        return new ApiKey(v);
    }

    /** The key in environment variable {@code name}, if set and not blank. */
    public static Optional<ApiKey> fromEnvironment(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(of(v));
    }

    String value() {
        return value;
    }

    /** {@code text} with every occurrence of the key replaced. */
    public String redact(String text) {
        return text == null ? null : text.replace(value, HIDDEN);
    }

    @Override
    public String toString() {
        return "ApiKey" + HIDDEN;
    }
}
