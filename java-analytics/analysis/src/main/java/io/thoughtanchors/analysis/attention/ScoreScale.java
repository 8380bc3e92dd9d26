package io.thoughtanchors.analysis.attention;

/** Final scaling of a vertical-score vector. */
public enum ScoreScale {
    RAW,
    /** ARENA {@code return_z_scores}: {@code (v − nanmean) / nanstd} with ddof 0. */
    Z_SCORE
}
