package io.thoughtanchors.analysis.compare;

/** PAPER-ERA "resampling-method score" u (docs/algorithms.md §10.2), a vertical score of the counterfactual matrix. */
public final class ResamplingScores {
    private ResamplingScores() {
    }

    /**
     * {@code u_j = nanmean_{j+k ≤ i < count} T(C[j,i])}: mean (absolute) influence of sentence j on sentences at
     * least k later, with the matrix truncated to the first {@code count} sentences. NaN when no such i exists.
     */
    public static double[] compute(double[][] c, int count, int proximity, ImportanceTransform transform) {
        if (count > c.length) {
            throw new IllegalArgumentException("count " + count + " exceeds matrix size " + c.length);
        }
        double[] u = new double[count];
        for (int j = 0; j < count; j++) {
            double s = 0;
            int m = 0;
            for (int i = j + proximity; i < count; i++) {
                double v = c[j][i];
                if (!Double.isNaN(v)) {
                    s += transform == ImportanceTransform.ABSOLUTE ? Math.abs(v) : v;
                    m++;
                }
            }
            u[j] = m == 0 ? Double.NaN : s / m;
        }
        return u;
    }
}
