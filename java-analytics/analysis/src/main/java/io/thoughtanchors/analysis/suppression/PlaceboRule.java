package io.thoughtanchors.analysis.suppression;

/**
 * Where a placebo span of suppressed sentence {@code j} (tokens {@code [a_j, b_j)}, length {@code L_j}) lies
 * (docs/algorithms.md §12.9). Both keep the length and never cover a receiving sentence {@code i > j}; they answer
 * different questions.
 */
public enum PlaceboRule {
    /**
     * {@code [a_j − L_j − s, a_j − s)}, {@code 1 ≤ s ≤ L_j − 1}: entirely before sentence j, sharing none of its
     * tokens, with neither end on a sentence boundary. Asks whether sentence j's effect is above suppressing equally
     * many nearby tokens (chance). The default.
     */
    DISJOINT,
    /**
     * {@code [a_j − s, b_j − s)}, {@code 1 ≤ s ≤ L_j − 1}: the sentence shifted earlier, straddling its start and
     * keeping its first {@code L_j − s} tokens. Asks whether alignment to the sentence boundary matters.
     */
    STRADDLING;

    /** The CLI's spelling: {@code disjoint}, {@code straddling}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
