package io.thoughtanchors.analysis.text;

/**
 * A tokenisation with per-token character spans {@code [starts[t], ends[t])}; token 0 is BOS with span (0,0).
 * {@code tokens} holds the token strings (needed only for the PAPER-ERA {@code "%."} rule).
 */
public record TokenOffsets(int[] ids, int[] starts, int[] ends, String[] tokens) {
    public TokenOffsets {
        if (ids.length != starts.length || ids.length != ends.length || ids.length != tokens.length) {
            throw new IllegalArgumentException("ids, starts, ends and tokens must have the same length");
        }
    }

    public int size() {
        return ids.length;
    }
}
