package io.thoughtanchors.pipeline.suppression;

/**
 * The placebo suppressions of a suppression-matrix run (docs/algorithms.md §12.9): up to {@code draws} spans per
 * sentence, drawn with {@code seed}; {@code draws = 0} is off.
 */
public record Placebo(int draws, long seed) {

    public static final Placebo OFF = new Placebo(0, 0);

    public Placebo {
        if (draws < 0) {
            throw new IllegalArgumentException("--placebo-draws must be at least 0, got " + draws);
        }
    }

    public boolean on() {
        return draws > 0;
    }
}
