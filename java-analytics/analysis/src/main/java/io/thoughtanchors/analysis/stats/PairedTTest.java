package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * SciPy {@code ttest_rel(a, b, nan_policy="omit")}: {@code d = a − b} over complete pairs,
 * {@code t = mean(d) / (sd(d, ddof 1)/√N)}, two-sided p from Student's t with {@code N − 1} df.
 * Computed directly rather than with Commons Math {@code TTest}, which throws for fewer than two pairs
 * where SciPy returns NaN.
 */
public final class PairedTTest {
    private PairedTTest() {
    }

    public static TTestResult test(double[] a, double[] b) {
        double[] d = differences(a, b);
        int n = d.length;
        if (n < 2) {
            return new TTestResult(Double.NaN, Double.NaN, Math.max(n - 1, 0), n);
        }
        double t = NanStats.mean(d) / (NanStats.stdSample(d) / Math.sqrt(n));
        double p = Double.isNaN(t) ? Double.NaN
                : 2 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
        return new TTestResult(t, p, n - 1, n);
    }

    /** {@code a − b} over the pairs where neither is NaN: what the test and the paired effect size are of. */
    static double[] differences(double[] a, double[] b) {
        double[][] ab = Correlation.dropNaNPairs(a, b);
        double[] d = new double[ab[0].length];
        for (int i = 0; i < d.length; i++) {
            d[i] = ab[0][i] - ab[1][i];
        }
        return d;
    }
}
