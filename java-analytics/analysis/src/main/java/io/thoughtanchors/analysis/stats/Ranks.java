package io.thoughtanchors.analysis.stats;

import java.util.Arrays;

/**
 * 1-based ranks with ties given their average rank (SciPy {@code rankdata(method="average")}), NaN values
 * omitted from the ranking and left NaN ({@code nan_policy="omit"}). Same as Commons Math
 * {@code NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE)} on the non-NaN values, but allocation-light
 * because it runs once per attention-matrix row.
 */
public final class Ranks {
    private Ranks() {
    }

    /** Ranks of {@code x} written into {@code out}; returns the number of ranked (non-NaN) values. */
    public static int averageRanks(double[] x, int length, double[] out, double[] scratch) {
        int m = 0;
        for (int i = 0; i < length; i++) {
            if (!Double.isNaN(x[i])) {
                scratch[m++] = x[i];
            }
        }
        Arrays.sort(scratch, 0, m);
        for (int i = 0; i < length; i++) {
            double v = x[i];
            if (Double.isNaN(v)) {
                out[i] = Double.NaN;
            } else {
                int lo = lowerBound(scratch, m, v);
                int hi = upperBound(scratch, m, v);
                out[i] = (lo + 1 + hi) / 2.0; // mean of 1-based ranks lo+1 … hi
            }
        }
        return m;
    }

    public static double[] averageRanks(double[] x) {
        double[] out = new double[x.length];
        averageRanks(x, x.length, out, new double[x.length]);
        return out;
    }

    private static int lowerBound(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, int n, double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
