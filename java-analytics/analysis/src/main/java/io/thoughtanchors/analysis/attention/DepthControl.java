package io.thoughtanchors.analysis.attention;

/** Correction for later sentences having more sentences to attend to (docs/algorithms.md §5.2). */
public enum DepthControl {
    /** HEAD receiver-head default: raw pooled attention. */
    NONE,
    /** HEAD/ARENA {@code control_depth=True}: each row replaced by average-tie ranks / (non-NaN count), NaN omitted. */
    RANK,
    /** PAPER-ERA {@code control_depth=True}: row of region r (prompt = 0, sentence i = i + 1) multiplied by r. */
    ROW_INDEX_SCALING
}
