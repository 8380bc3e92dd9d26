package io.thoughtanchors.analysis.text;

/** A sentence of a trace's sentence list does not occur in its text: the trace's files disagree (bad input data). */
public final class SentenceNotFoundException extends IllegalArgumentException {

    public SentenceNotFoundException(String message) {
        super(message);
    }
}
