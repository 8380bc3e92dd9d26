package io.thoughtanchors.analysis.attention;

/** How per-head vertical scores combine into a receiver-head score (docs/algorithms.md §7). */
public enum HeadAggregate {
    /** HEAD/PAPER-ERA: plain mean, NaN if any selected head is NaN. */
    MEAN,
    /** ARENA: mean of the non-NaN heads. */
    NANMEAN
}
