package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboRule;

import java.util.Objects;

/**
 * The placebo suppressions of a suppression-matrix run (docs/algorithms.md §12.9): up to {@code draws} spans per
 * sentence, placed by {@code rule}, drawn with {@code seed}; {@code draws = 0} is off.
 */
public record Placebo(int draws, long seed, PlaceboRule rule) {

    public static final Placebo OFF = new Placebo(0, 0, PlaceboRule.DISJOINT);

    public Placebo {
        if (draws < 0) {
            throw new IllegalArgumentException("--placebo-draws must be at least 0, got " + draws);
        }
        Objects.requireNonNull(rule, "rule");
    }

    public boolean on() {
        return draws > 0;
    }
}
