package io.thoughtanchors.analysis.attention;

/** Column aggregate of a vertical score ({@code score_type}). */
public enum ScoreAggregate {
    MEAN,
    MEDIAN
}
