package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;

/** Ordinary least squares with an intercept (QR), dropping rows with a NaN in y or any predictor. */
public final class Ols {
    private Ols() {
    }

    /** Fitted coefficients {@code [intercept, b1, …]} and residuals (NaN for dropped rows). */
    public record Fit(double[] coefficients, double[] residuals, int rowsUsed) {
    }

    /** @param predictors one array per predictor column, each as long as {@code y} */
    public static Fit fit(double[] y, double[]... predictors) {
        int rows = y.length;
        boolean[] use = new boolean[rows];
        int m = 0;
        for (int i = 0; i < rows; i++) {
            boolean ok = !Double.isNaN(y[i]);
            for (double[] p : predictors) {
                ok &= !Double.isNaN(p[i]);
            }
            use[i] = ok;
            m += ok ? 1 : 0;
        }
        int cols = predictors.length + 1;
        if (m < cols) {
            throw new IllegalArgumentException("OLS needs at least " + cols + " complete rows, got " + m);
        }
        double[][] x = new double[m][cols];
        double[] yy = new double[m];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            if (use[i]) {
                x[k][0] = 1.0;
                for (int c = 0; c < predictors.length; c++) {
                    x[k][c + 1] = predictors[c][i];
                }
                yy[k++] = y[i];
            }
        }
        RealVector beta = new QRDecomposition(new Array2DRowRealMatrix(x, false)).getSolver()
                .solve(new ArrayRealVector(yy, false));
        double[] coef = beta.toArray();
        double[] resid = new double[rows];
        for (int i = 0; i < rows; i++) {
            if (!use[i]) {
                resid[i] = Double.NaN;
                continue;
            }
            double fitted = coef[0];
            for (int c = 0; c < predictors.length; c++) {
                fitted += coef[c + 1] * predictors[c][i];
            }
            resid[i] = y[i] - fitted;
        }
        return new Fit(coef, resid, m);
    }
}
