package io.thoughtanchors.analysis.stats;

/** Standardised effect sizes (docs/algorithms.md §15). */
public final class EffectSize {
    private EffectSize() {
    }

    /**
     * Paired Cohen's {@code d_z}: {@code d = a − b} over the complete pairs, {@code mean(d) / sd(d, ddof 1)} (so
     * {@code d_z = t / √N} of the paired t-test). Fewer than 2 pairs → NaN; differences without spread give ±∞
     * (or NaN when they are all 0), as the t statistic does.
     */
    public static double pairedCohensDz(double[] a, double[] b) {
        double[] d = PairedTTest.differences(a, b);
        return d.length < 2 ? Double.NaN : NanStats.mean(d) / NanStats.stdSample(d);
    }
}
