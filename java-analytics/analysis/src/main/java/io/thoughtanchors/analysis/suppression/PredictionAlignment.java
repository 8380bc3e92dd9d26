package io.thoughtanchors.analysis.suppression;

/**
 * Which positions' divergences a sentence averages (docs/algorithms.md §12.1). Logits at position {@code t} predict token
 * {@code t+1}.
 */
public enum PredictionAlignment {
    /**
     * Reference: sentence {@code i} averages the positions {@code [a_i, b_i)} themselves, i.e. the predictions of
     * its 2nd token through the first token after it.
     */
    AT_POSITIONS,
    /**
     * Shift by −1: sentence {@code i} averages the predictions <em>of</em> its own tokens, positions
     * {@code [a_i − 1, b_i − 1)} (token 0, BOS, is never predicted, so a range starting at 0 starts at position 0).
     */
    OF_TOKENS
}
