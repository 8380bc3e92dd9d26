package io.thoughtanchors.analysis.stats;

/**
 * Population excess (Fisher) kurtosis as SciPy {@code kurtosis(fisher=True, bias=True, nan_policy="omit")}:
 * {@code m4 / m2² − 3} over the finite values. Commons Math's {@code Kurtosis} is the bias-corrected
 * estimator and is deliberately not used.
 */
public final class Kurtosis {
    /** Machine epsilon of double, as in SciPy's "constant input" test {@code m2 <= (eps·mean)²}. */
    private static final double EPS = Math.ulp(1.0);

    private Kurtosis() {
    }

    /** Excess kurtosis of the finite values of {@code x}; NaN if none or constant. */
    public static double excess(double[] x) {
        return excess(x, 0);
    }

    /**
     * @param minFinite return NaN when fewer finite values remain (ARENA uses 4; 0 = no minimum)
     */
    public static double excess(double[] x, int minFinite) {
        double sum = 0;
        int n = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        if (n == 0 || n < minFinite) {
            return Double.NaN;
        }
        double mean = sum / n;
        double m2 = 0;
        double m4 = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                double d = v - mean;
                double d2 = d * d;
                m2 += d2;
                m4 += d2 * d2;
            }
        }
        m2 /= n;
        m4 /= n;
        double tol = EPS * mean;
        if (m2 <= tol * tol) {
            return Double.NaN;
        }
        return m4 / (m2 * m2) - 3.0;
    }
}
