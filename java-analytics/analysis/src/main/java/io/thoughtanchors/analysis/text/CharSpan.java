package io.thoughtanchors.analysis.text;

/** Half-open character range {@code [start, end)} in a text. */
public record CharSpan(int start, int end) {
    public CharSpan {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span [" + start + "," + end + ")");
        }
    }

    public CharSpan shift(int delta) {
        return new CharSpan(start + delta, end + delta);
    }
}
