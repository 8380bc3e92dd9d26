package io.thoughtanchors.pipeline.label;

/** An answer that is not valid JSON or does not match the label schema; the message says where. */
public final class InvalidLabelsException extends Exception {

    public InvalidLabelsException(String message) {
        super(message);
    }
}
