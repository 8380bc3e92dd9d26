package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Pearson and Spearman correlations with SciPy semantics: pairs with a NaN are dropped, p-values are
 * two-sided from Student's t with {@code n − 2} degrees of freedom (what {@code pearsonr}'s exact beta
 * distribution and {@code spearmanr} both amount to). Fewer than 3 pairs or a constant side → NaN.
 */
public final class Correlation {
    private Correlation() {
    }

    public static CorrelationResult pearson(double[] x, double[] y) {
        double[][] xy = dropNaNPairs(x, y);
        return pearsonComplete(xy[0], xy[1]);
    }

    /** Spearman: Pearson of average-tie ranks of the complete pairs. */
    public static CorrelationResult spearman(double[] x, double[] y) {
        double[][] xy = dropNaNPairs(x, y);
        return pearsonComplete(Ranks.averageRanks(xy[0]), Ranks.averageRanks(xy[1]));
    }

    private static CorrelationResult pearsonComplete(double[] x, double[] y) {
        int n = x.length;
        if (n < 3) {
            return CorrelationResult.undefined(n);
        }
        double mx = NanStats.mean(x);
        double my = NanStats.mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return CorrelationResult.undefined(n);
        }
        double r = Math.max(-1.0, Math.min(1.0, sxy / Math.sqrt(sxx * syy)));
        return new CorrelationResult(r, pValue(r, n), n);
    }

    private static double pValue(double r, int n) {
        if (Math.abs(r) == 1.0) {
            return 0.0;
        }
        double df = n - 2;
        double t = r * Math.sqrt(df / ((1 - r) * (1 + r)));
        return 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    }

    /** Keeps index-aligned pairs where neither value is NaN. */
    public static double[][] dropNaNPairs(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("length mismatch: " + x.length + " vs " + y.length);
        }
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                n++;
            }
        }
        double[] a = new double[n];
        double[] b = new double[n];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
                a[k] = x[i];
                b[k++] = y[i];
            }
        }
        return new double[][] {a, b};
    }
}
