package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.KlMode;
import io.thoughtanchors.analysis.suppression.SparseKl;
import io.thoughtanchors.analysis.suppression.SuppressionMatrix;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.TokenRange;

import java.util.Arrays;

/**
 * Between the passes and the matrix: per suppressed pass, the divergences {@code κ_t} at every position under both
 * KL modes ({@link #compute}); and, from all of them, the matrix {@code E} under chosen options ({@link #matrix}).
 * The KL itself and the averaging windows are {@link SuppressionMatrix}'s.
 */
public final class KlColumns {

    private final SuppressionMatrix referenceSparse;
    private final SuppressionMatrix sparseWithTail;

    KlColumns(Nucleus baseline, SuppressionInput input, double klTemperature) {
        SuppressionOptions raw = SuppressionOptions.REFERENCE.withTemperature(klTemperature).withTakeLog(false);
        this.referenceSparse = matrix(baseline, input, raw.withKlMode(KlMode.REFERENCE_SPARSE));
        this.sparseWithTail = matrix(baseline, input, raw.withKlMode(KlMode.SPARSE_WITH_TAIL));
    }

    /**
     * κ of the pass with sentence {@code j} suppressed. Synchronised: the matrices reuse scratch buffers.
     *
     * @throws IllegalArgumentException if the pass does not cover the positions sentence j can change
     */
    synchronized PositionKl compute(int j, Nucleus suppressed) {
        return new PositionKl(j, kappa(referenceSparse, j, suppressed), kappa(sparseWithTail, j, suppressed));
    }

    /** A mode whose KL is NaN at some position keeps NaN (refused by {@link #matrix} only if that mode is chosen). */
    private static double[] kappa(SuppressionMatrix m, int j, Nucleus suppressed) {
        try {
            return m.positionValues(j, suppressed);
        } catch (IllegalStateException e) {
            double[] nan = new double[m.numTokens()];
            Arrays.fill(nan, Double.NaN);
            return nan;
        }
    }

    /**
     * {@code E[i][j]} = mean of {@code ℓ_t} over sentence i's window ({@link SuppressionMatrix#averagedPositions}),
     * {@code ℓ_t = ln(κ_t + 1e-9)} or {@code κ_t}, as {@link SuppressionMatrix#addColumn} computes it.
     *
     * @throws IllegalStateException if a column is missing or some {@code ℓ_t} is NaN (a hard error, spec §11.1)
     */
    public static double[][] matrix(Nucleus baseline, SuppressionInput input, PositionKl[] columns,
                             SuppressionOptions options) {
        SuppressionMatrix m = matrix(baseline, input, options);
        for (int j = 0; j < columns.length; j++) {
            if (columns[j] == null) {
                throw new IllegalStateException("column " + j + " was never computed");
            }
            double[] ell = ell(columns[j].of(options.klMode()), options.takeLog(), j);
            double[] column = new double[m.size()];
            for (int i = 0; i < m.size(); i++) {
                TokenRange window = m.averagedPositions(i);
                double sum = 0;
                for (int t = window.start(); t < window.end(); t++) {
                    sum += ell[t];
                }
                column[i] = window.isEmpty() ? Double.NaN : sum / window.length();
            }
            m.putColumn(j, column);
        }
        return m.matrix();
    }

    private static double[] ell(double[] kappa, boolean takeLog, int j) {
        double[] ell = new double[kappa.length];
        for (int t = 0; t < kappa.length; t++) {
            ell[t] = takeLog ? SparseKl.logTransform(kappa[t]) : kappa[t];
            if (Double.isNaN(ell[t])) {
                throw new IllegalStateException("suppression KL is NaN at position " + t + " with sentence " + j
                        + " suppressed");
            }
        }
        return ell;
    }

    private static SuppressionMatrix matrix(Nucleus baseline, SuppressionInput input, SuppressionOptions options) {
        return new SuppressionMatrix(baseline, input.ranges().start(), input.ranges().end(), input.numTokens(),
                options);
    }
}
