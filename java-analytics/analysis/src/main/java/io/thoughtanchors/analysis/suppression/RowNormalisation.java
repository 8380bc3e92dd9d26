package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.stats.NanStats;

/**
 * Masking, row normalisation and display helpers of the suppression matrix (docs/algorithms.md §12.4–12.5,
 * {@code plot_suppression_matrix.py}). Matrices are {@code E[i][j]}, row = receiving sentence {@code i},
 * column = suppressed sentence {@code j}; inputs are never modified.
 */
public final class RowNormalisation {
    /** Colour-scale quantiles of the plotting script's {@code __main__} (docs/algorithms.md §12.5 step 4). */
    public static final double[] SCRIPT_QUANTILES = {0.5, 0.998};
    /** Colour-scale quantiles of the plotting helper's default arguments. */
    public static final double[] HELPER_QUANTILES = {0.05, 0.95};
    /** Only entries at least this far below the diagonal ({@code i − j ≥ 11}) set the colour scale. */
    public static final int COLOUR_MIN_OFFSET = 11;
    /** Quantile the display diagonal is set to. */
    public static final double DIAGONAL_QUANTILE = 0.99;

    private RowNormalisation() {
    }

    /** Copy with the upper triangle and the diagonal ({@code j ≥ i}) set to NaN (step 1). */
    public static double[][] mask(double[][] e) {
        double[][] out = copy(e);
        for (int i = 0; i < out.length; i++) {
            for (int j = i; j < out[i].length; j++) {
                out[i][j] = Double.NaN;
            }
        }
        return out;
    }

    /**
     * Steps 1–2: mask {@code j ≥ i}, then {@code E[i,:] −= nanmean(E[i, j<i])}. Row 0 (and any row whose earlier
     * entries are all NaN) stays all-NaN.
     */
    public static double[][] normalise(double[][] e) {
        double[][] out = mask(e);
        for (double[] row : out) {
            double m = NanStats.nanMean(row);
            for (int j = 0; j < row.length; j++) {
                row[j] -= m;
            }
        }
        return out;
    }

    /** {@code nanmean(E[i, j<i])} per row (≈ 0 for every row of a normalised matrix; NaN for row 0). */
    public static double[] rowMeans(double[][] e) {
        double[] out = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            double[] lower = new double[Math.min(i, e[i].length)];
            System.arraycopy(e[i], 0, lower, 0, lower.length);
            out[i] = NanStats.nanMean(lower);
        }
        return out;
    }

    /** Display only (step 3): copy with the diagonal set to the {@code q}-quantile (linear) of all non-NaN entries. */
    public static double[][] withDisplayDiagonal(double[][] normalised, double q) {
        double v = NanStats.quantile(flatten(normalised, Integer.MIN_VALUE), q);
        double[][] out = copy(normalised);
        for (int i = 0; i < out.length && i < out[i].length; i++) {
            out[i][i] = v;
        }
        return out;
    }

    /** {@link #withDisplayDiagonal(double[][], double)} at the 99th percentile. */
    public static double[][] withDisplayDiagonal(double[][] normalised) {
        return withDisplayDiagonal(normalised, DIAGONAL_QUANTILE);
    }

    /** Colour limits. */
    public record ColourRange(double vmin, double vmax) {
    }

    /**
     * Step 4: {@code vmin, vmax} = quantiles {@code low, high} (linear, NaN ignored) of the entries with
     * {@code i − j ≥ minOffset}.
     */
    public static ColourRange colourRange(double[][] m, double low, double high, int minOffset) {
        double[] v = flatten(m, minOffset);
        return new ColourRange(NanStats.quantile(v, low), NanStats.quantile(v, high));
    }

    /** Script defaults: quantiles (0.5, 0.998) of the entries with {@code i − j ≥ 11}. */
    public static ColourRange colourRange(double[][] m) {
        return colourRange(m, SCRIPT_QUANTILES[0], SCRIPT_QUANTILES[1], COLOUR_MIN_OFFSET);
    }

    private static double[] flatten(double[][] m, int minOffset) {
        int count = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                if ((long) i - j >= minOffset) {
                    count++;
                }
            }
        }
        double[] out = new double[count];
        int k = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                if ((long) i - j >= minOffset) {
                    out[k++] = m[i][j];
                }
            }
        }
        return out;
    }

    private static double[][] copy(double[][] e) {
        double[][] out = new double[e.length][];
        for (int i = 0; i < e.length; i++) {
            out[i] = e[i].clone();
        }
        return out;
    }
}
