package io.thoughtanchors.analysis.stats;

import java.util.Arrays;

/** NumPy-style reductions that ignore NaN ({@code nanmean}, {@code nanmedian}, {@code nanstd}); empty → NaN. */
public final class NanStats {
    private NanStats() {
    }

    public static double nanMean(double[] x) {
        double sum = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Plain mean: any NaN makes the result NaN (NumPy {@code mean}). */
    public static double mean(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    public static double nanMedian(double[] x) {
        double[] v = withoutNaN(x);
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int h = v.length / 2;
        return v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2.0;
    }

    /** Population standard deviation (ddof 0) of the non-NaN values. */
    public static double nanStdPopulation(double[] x) {
        double m = nanMean(x);
        if (Double.isNaN(m)) {
            return Double.NaN;
        }
        double ss = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                ss += (v - m) * (v - m);
                n++;
            }
        }
        return Math.sqrt(ss / n);
    }

    /** Sample standard deviation (ddof 1) of all values. */
    public static double stdSample(double[] x) {
        if (x.length < 2) {
            return Double.NaN;
        }
        double m = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    /** Quantile with linear interpolation between order statistics (NumPy default, Hyndman–Fan type 7), NaN ignored. */
    public static double quantile(double[] x, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0,1]: " + q);
        }
        double[] v = withoutNaN(x);
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        double h = (v.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (h - lo) * (v[hi] - v[lo]);
    }

    public static double[] withoutNaN(double[] x) {
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                n++;
            }
        }
        double[] out = new double[n];
        int k = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                out[k++] = v;
            }
        }
        return out;
    }

    /** z-scores {@code (x − nanmean) / nanstd(ddof 0)}; NaN stays NaN. */
    public static double[] zScores(double[] x) {
        double m = nanMean(x);
        double s = nanStdPopulation(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - m) / s;
        }
        return out;
    }
}
