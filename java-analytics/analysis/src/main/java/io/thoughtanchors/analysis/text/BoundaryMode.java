package io.thoughtanchors.analysis.text;

/** How sentence character spans become token ranges (docs/algorithms.md §3). */
public enum BoundaryMode {
    /**
     * HEAD: {@code a = |tok(text[:start])|}, {@code b = |tok(text[:end])|}. Shifts ~40% of sentence starts by +1
     * token (a leading space merges into the next word).
     */
    HEAD_PREFIX_COUNT,
    /**
     * PAPER-ERA: prefix counts after moving every start but the first and every end one character left,
     * plus the {@code "%."} rule; sentences of ≤ 1 token are dropped.
     */
    PAPER_SHIFTED_PREFIX,
    /** Recommended: tokenise once with offsets; a sentence starts at the token containing its first character. */
    OFFSETS
}
