package io.thoughtanchors.analysis.stats;

/**
 * A seeded percentile bootstrap (docs/algorithms.md §15).
 *
 * @param resamples number of resamples drawn
 * @param level     coverage of the interval, strictly between 0 and 1 (0.95: the 2.5th and 97.5th percentiles)
 * @param seed      seed of the generator; the same seed and data give the same interval
 */
public record BootstrapOptions(int resamples, double level, long seed) {
    /** 2,000 resamples, 95%, seed 1. */
    public static final BootstrapOptions DEFAULT = new BootstrapOptions(2000, 0.95, 1);

    public BootstrapOptions {
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap resamples must be ≥ 1, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("bootstrap level must be strictly between 0 and 1, got " + level);
        }
    }

    public BootstrapOptions withResamples(int v) {
        return new BootstrapOptions(v, level, seed);
    }

    public BootstrapOptions withLevel(double v) {
        return new BootstrapOptions(resamples, v, seed);
    }

    public BootstrapOptions withSeed(long v) {
        return new BootstrapOptions(resamples, level, v);
    }

    public String describe() {
        return "resamples " + resamples + ", level " + level + ", seed " + seed;
    }
}
