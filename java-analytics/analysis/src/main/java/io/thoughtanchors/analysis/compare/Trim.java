package io.thoughtanchors.analysis.compare;

/** Whether the per-trace correlations drop their minimum and maximum before averaging (reference: yes). */
public enum Trim {
    NONE,
    MIN_AND_MAX
}
