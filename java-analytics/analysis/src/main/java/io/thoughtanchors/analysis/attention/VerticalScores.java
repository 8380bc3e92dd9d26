package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.stats.Ranks;

import java.util.Arrays;

/**
 * Vertical attention scores (docs/algorithms.md §5): the score of sentence j aggregates {@code M[i,j]} over receivers
 * {@code i ≥ j + k}. Covers HEAD (future + proximity mask, optional rank depth control, mean/median),
 * PAPER-ERA (row-index scaling, prompt/output regions, {@code drop_first} at both ends) and ARENA z-scores.
 *
 * <p>An instance owns scratch buffers so that scoring thousands of heads allocates nothing but the result;
 * it is therefore not thread-safe — use one per thread.
 */
public final class VerticalScores {
    private final VerticalScoreOptions options;
    private double[] sum = new double[0];
    private int[] count = new int[0];
    private double[] row = new double[0];
    private double[] rank = new double[0];
    private double[] scratch = new double[0];
    private double[] cells = new double[0];

    public VerticalScores(VerticalScoreOptions options) {
        this.options = options;
    }

    public VerticalScoreOptions options() {
        return options;
    }

    /** Scores of one sentence-only matrix given as {@code double[n][n]} (upper triangle ignored). */
    public static double[] of(double[][] matrix, VerticalScoreOptions options) {
        int n = matrix.length;
        float[] data = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                data[i * n + j] = (float) matrix[i][j];
            }
        }
        double[] out = new double[n];
        new VerticalScores(options).compute(data, 0, n, RegionLayout.SENTENCES, out);
        return out;
    }

    /** Scores of head (layer, head) of {@code att}, one per sentence. */
    public double[] compute(PooledAttention att, int layer, int head) {
        double[] out = new double[att.sentences()];
        compute(att.data(), att.offset(layer, head), att.size(), att.layout(), out);
        return out;
    }

    /**
     * @param data   row-major matrices; the one scored starts at {@code offset} and has side {@code m}
     * @param out    receives one score per sentence ({@code m − layout.extraRegions()} values)
     */
    public void compute(float[] data, int offset, int m, RegionLayout layout, double[] out) {
        boolean hasRegions = layout == RegionLayout.PROMPT_SENTENCES_OUTPUT;
        int lo = hasRegions && !options.pseudoRegions().keepPrompt() ? 1 : 0;
        int hi = hasRegions && !options.pseudoRegions().keepOutput() ? m - 1 : m;
        int q = hi - lo;
        int k = options.proximityIgnore();
        // Row-index scaling counts regions a query can attend to: prompt row 0, sentence i → i + 1.
        int scaleBase = lo + (hasRegions ? 0 : 1);
        ensureCapacity(q);
        Arrays.fill(sum, 0, q, 0.0);
        Arrays.fill(count, 0, q, 0);
        boolean median = options.aggregate() == ScoreAggregate.MEDIAN;
        for (int a = k; a < q; a++) {
            int width = a - k + 1; // columns b ≤ a − k survive the future and proximity masks
            int base = offset + (lo + a) * m + lo;
            for (int b = 0; b < width; b++) {
                row[b] = data[base + b];
            }
            transformRow(width, a + scaleBase);
            for (int b = 0; b < width; b++) {
                double v = row[b];
                if (median) {
                    cells[a * q + b] = v;
                } else if (!Double.isNaN(v)) {
                    sum[b] += v;
                    count[b]++;
                }
            }
        }
        int n = m - layout.extraRegions();
        int shift = (hasRegions ? 1 : 0) - lo;
        for (int j = 0; j < n; j++) {
            int b = j + shift;
            out[j] = median ? columnMedian(b, q, k) : (count[b] == 0 ? Double.NaN : sum[b] / count[b]);
        }
        dropEnds(out, n);
        if (options.scale() == ScoreScale.Z_SCORE) {
            double[] z = NanStats.zScores(Arrays.copyOf(out, n));
            System.arraycopy(z, 0, out, 0, n);
        }
    }

    private void transformRow(int width, int scale) {
        switch (options.depthControl()) {
            case NONE -> {
            }
            case ROW_INDEX_SCALING -> {
                for (int b = 0; b < width; b++) {
                    row[b] *= scale;
                }
            }
            case RANK -> {
                int ranked = Ranks.averageRanks(row, width, rank, scratch);
                for (int b = 0; b < width; b++) {
                    row[b] = rank[b] / ranked;
                }
            }
            default -> throw new IllegalStateException("unknown depth control " + options.depthControl());
        }
    }

    private double columnMedian(int b, int q, int k) {
        int c = 0;
        for (int a = b + k; a < q; a++) {
            scratch[c++] = cells[a * q + b];
        }
        return NanStats.nanMedian(Arrays.copyOf(scratch, c));
    }

    private void dropEnds(double[] out, int n) {
        int d = options.dropEnds();
        for (int j = 0; j < Math.min(d, n); j++) {
            out[j] = Double.NaN;
            out[n - 1 - j] = Double.NaN;
        }
    }

    private void ensureCapacity(int q) {
        if (sum.length < q) {
            sum = new double[q];
            count = new int[q];
            row = new double[q];
            rank = new double[q];
            scratch = new double[q];
        }
        if (options.aggregate() == ScoreAggregate.MEDIAN && cells.length < q * q) {
            cells = new double[q * q];
        }
    }
}
