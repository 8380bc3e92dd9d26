package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.worker.Nucleus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental builder of the sentence-to-sentence suppression matrix {@code E} (docs/algorithms.md §12.1 steps 3–5): row =
 * receiving sentence {@code i}, column = suppressed sentence {@code j},
 * {@code E[i][j] = mean over the positions t of sentence i of ℓ_t}, where {@code ℓ_t = ln(κ_t + 1e-9)} (or
 * {@code κ_t} without {@code takeLog}) and {@code κ_t = KL(B_t ‖ Q_{j,t})}. All cells are computed, {@code i ≤ j}
 * included; masking and row normalisation are {@link RowNormalisation}'s job.
 *
 * <p>Positions averaged by sentence {@code i} ({@code N} = number of tokens): {@code t0 = min(a_i, N)},
 * {@code t1 = min(b_i, N)}, {@code t1 = min(t1, t0 + onlyFirst)} if set; {@link PredictionAlignment#AT_POSITIONS}
 * averages {@code [t0, t1)}, {@link PredictionAlignment#OF_TOKENS} averages {@code [max(t0,1) − 1, t1 − 1)}; an
 * empty window gives NaN. As in the reference, every position {@code t ∈ [0, N)} is evaluated and a NaN
 * {@code ℓ_t} anywhere is an error, not a skipped value.
 *
 * <p>Prefix reuse: a suppressed variant may start at {@code firstPosition ≤ a_j} (the worker does not ship
 * positions a suppression at {@code [a_j, b_j)} cannot change). For {@code t < firstPosition} the variant's
 * distribution is the baseline's, so {@code κ_t} is computed as {@code KL(B_t ‖ B_t)} (0 in both modes for finite
 * logits, hence {@code ℓ_t = ln(1e-9) ≈ −20.7233}); nothing is invented. A variant starting after {@code a_j} is
 * rejected because positions it can change would be missing.
 *
 * <p>Use: construct with the baseline, then {@link #addColumn(int, Nucleus)} as each variant arrives, then
 * {@link #matrix()}. A caller that keeps the divergences instead of the variants (the CLI's store keeps
 * {@code κ_t} of both KL modes, so that a change of mode, log or window needs no forward pass) computes them with
 * {@link #divergences} and builds the column later with {@link #addColumn(int, double[])}: the same code as from
 * the variant. Each variant's ids are sorted once per position; the baseline's once in the constructor. Not
 * thread-safe.
 */
public final class SuppressionMatrix {
    private final SuppressionOptions options;
    private final SparseKl kl;
    private final int n;
    private final int numTokens;
    private final int[] start;
    private final int[] end;
    private final int[] from;
    private final int[] to;
    private final PreparedNucleus base;
    private final PreparedNucleus scratch;
    private final double[] identical;
    private final double[][] e;

    /**
     * @param baseline  the unsuppressed variant; must hold positions {@code 0 .. numTokens−1} (more are ignored)
     * @param start     sentence starts {@code a_i} (token indices, BOS = 0)
     * @param end       sentence ends {@code b_i} (exclusive)
     * @param numTokens {@code N}, the model input's token count, BOS included
     */
    public SuppressionMatrix(Nucleus baseline, int[] start, int[] end, int numTokens, SuppressionOptions options) {
        if (start.length != end.length) {
            throw new IllegalArgumentException(start.length + " starts but " + end.length + " ends");
        }
        if (numTokens < 0) {
            throw new IllegalArgumentException("numTokens must be >= 0, got " + numTokens);
        }
        for (int i = 0; i < start.length; i++) {
            if (start[i] < 0 || end[i] < start[i]) {
                throw new IllegalArgumentException("sentence " + i + " has a bad range [" + start[i] + ", " + end[i] + ")");
            }
        }
        if (baseline.firstPosition() != 0 || baseline.endPosition() < numTokens) {
            throw new IllegalArgumentException("baseline must cover positions [0, " + numTokens + "), but holds "
                    + baseline);
        }
        this.options = options;
        this.kl = options.sparseKl();
        this.n = start.length;
        this.numTokens = numTokens;
        this.start = start.clone();
        this.end = end.clone();
        this.from = new int[n];
        this.to = new int[n];
        for (int i = 0; i < n; i++) {
            int t0 = Math.min(start[i], numTokens);
            int t1 = Math.min(end[i], numTokens);
            if (options.onlyFirst().isPresent()) {
                t1 = (int) Math.min((long) t1, (long) t0 + options.onlyFirst().getAsInt());
            }
            if (options.alignment() == PredictionAlignment.OF_TOKENS) {
                t0 = Math.max(t0, 1) - 1;
                t1 = Math.max(t1 - 1, t0);
            }
            from[i] = t0;
            to[i] = Math.max(t1, t0);
        }
        this.base = new PreparedNucleus(kl);
        for (int t = 0; t < numTokens; t++) {
            int s = baseline.start(t);
            base.add(baseline.ids(), baseline.logits(), s, s + baseline.size(t), baseline.retainedMassAt(t));
        }
        this.scratch = new PreparedNucleus(kl);
        this.identical = new double[numTokens];
        for (int t = 0; t < numTokens; t++) {
            identical[t] = kl.divergence(base, t, base, t);
        }
        this.e = new double[n][n];
        for (double[] row : e) {
            Arrays.fill(row, Double.NaN);
        }
    }

    /**
     * Computes column {@code j} from the variant with sentence {@code j} suppressed, stores it (replacing any
     * earlier value) and returns a copy: {@code column[i] = E[i][j]}.
     *
     * @throws IllegalArgumentException if the variant does not cover {@code [min(a_j, N), N)}
     * @throws IllegalStateException    if some {@code ℓ_t} is NaN (message names i, j and t)
     */
    public double[] addColumn(int j, Nucleus suppressed) {
        return addColumn(j, divergences(j, suppressed));
    }

    /**
     * Column {@code j} from the divergences {@code κ_t} of its variant at every position {@code t ∈ [0, N)}, as
     * {@link #divergences} computed them (under this matrix's KL mode): {@code ℓ_t} is taken, averaged over each
     * receiving sentence's window and stored (replacing any earlier value); returns a copy of the column.
     *
     * @throws IllegalArgumentException if {@code kappa} does not hold N values
     * @throws IllegalStateException    if some {@code ℓ_t} is NaN (message names i, j and t)
     */
    public double[] addColumn(int j, double[] kappa) {
        checkColumn(j);
        if (kappa.length != numTokens) {
            throw new IllegalArgumentException("column " + j + ": " + kappa.length + " divergences for " + numTokens
                    + " positions");
        }
        double[] ell = new double[numTokens];
        for (int t = 0; t < numTokens; t++) {
            ell[t] = options.takeLog() ? SparseKl.logTransform(kappa[t]) : kappa[t];
            if (Double.isNaN(ell[t])) {
                throw new IllegalStateException("suppression KL is NaN at position " + t + " (receiving sentence "
                        + receivers(t) + ", suppressed sentence " + j + ")");
            }
        }
        for (int i = 0; i < n; i++) {
            int t0 = from[i];
            int t1 = to[i];
            double v = Double.NaN;
            if (t0 < t1) {
                double s = 0;
                for (int t = t0; t < t1; t++) {
                    s += ell[t];
                }
                v = s / (t1 - t0);
            }
            e[i][j] = v;
        }
        return column(j);
    }

    /**
     * {@code κ_t = KL(B_t ‖ Q_{j,t})} at every position {@code t ∈ [0, N)} of the variant with sentence {@code j}
     * suppressed, under this matrix's KL mode and temperature (NaN where the divergence is undefined; the column
     * refuses it). Positions before the variant's first are the baseline's own, {@code KL(B_t ‖ B_t)}.
     *
     * @throws IllegalArgumentException if the variant does not cover {@code [min(a_j, N), N)}
     */
    public double[] divergences(int j, Nucleus suppressed) {
        checkColumn(j);
        int first = suppressed.firstPosition();
        int limit = Math.min(start[j], numTokens);
        if (first > limit || suppressed.endPosition() < numTokens) {
            throw new IllegalArgumentException("variant for suppressed sentence " + j + " must cover positions ["
                    + limit + ", " + numTokens + ") (its sentence starts at " + start[j] + "), but holds "
                    + suppressed);
        }
        int[] ids = suppressed.ids();
        float[] logits = suppressed.logits();
        int[] offsets = suppressed.offsets();
        float[] retained = suppressed.retainedMass();
        double[] kappa = new double[numTokens];
        for (int t = 0; t < numTokens; t++) {
            if (t < first) {
                kappa[t] = identical[t];
            } else {
                int slot = t - first;
                scratch.clear();
                scratch.add(ids, logits, offsets[slot], offsets[slot + 1], retained[slot]);
                kappa[t] = kl.divergence(base, t, scratch, 0);
            }
        }
        return kappa;
    }

    /** Copy of column {@code j} ({@code E[·][j]}); NaN if not computed yet. */
    private double[] column(int j) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = e[i][j];
        }
        return c;
    }

    /** Copy of {@code E} (n×n, row = receiving, column = suppressed); missing columns are NaN. */
    public double[][] matrix() {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = e[i].clone();
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------

    private void checkColumn(int j) {
        if (j < 0 || j >= n) {
            throw new IndexOutOfBoundsException("suppressed sentence " + j + " outside [0, " + n + ")");
        }
    }

    private String receivers(int t) {
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (from[i] <= t && t < to[i]) {
                in.add(i);
            }
        }
        return in.isEmpty() ? "none" : in.size() == 1 ? in.get(0).toString() : in.toString();
    }
}
