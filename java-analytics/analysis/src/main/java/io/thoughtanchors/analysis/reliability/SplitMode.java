package io.thoughtanchors.analysis.reliability;

/** How traces are divided into two halves for split-half reliability (docs/algorithms.md §8). */
public enum SplitMode {
    /** Reference: traces 0, 2, 4, … vs 1, 3, 5, … in the given (sorted) order. */
    ALTERNATING,
    /** Both traces of a problem on the same side: problems in ascending id order alternate between halves. */
    BY_PROBLEM
}
