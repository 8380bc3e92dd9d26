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
        double[][] ab = Correlation.dropNaNPairs(a, b);
        int n = ab[0].length;
        if (n < 2) {
            return new TTestResult(Double.NaN, Double.NaN, Math.max(n - 1, 0), n);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = ab[0][i] - ab[1][i];
        }
        double t = NanStats.mean(d) / (NanStats.stdSample(d) / Math.sqrt(n));
        double p = Double.isNaN(t) ? Double.NaN
                : 2 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
        return new TTestResult(t, p, n - 1, n);
    }
}
