package io.thoughtanchors.analysis.attention;

/** What to do with NaN per-trace kurtosis when averaging over traces (docs/algorithms.md §6.2). */
public enum NanHeadPolicy {
    /** Plain mean: a NaN in any trace makes the head's mean NaN, which excludes it from the ranking. */
    PROPAGATE,
    /** HEAD asserts there is none in layers >= 1: throw, naming the trace, layer and head. */
    FAIL,
    /** PAPER-ERA: skip traces whose kurtosis matrix is more than half NaN, then require no NaN in the rest. */
    SKIP_TRACES_OVER_HALF_NAN
}
