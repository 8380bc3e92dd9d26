package io.thoughtanchors.analysis.attention;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recency share against matrices whose answer is worked out by hand (docs/algorithms.md §6.4). */
class RecencyShareTest {
    static final double TOL = 1e-6;

    static float[] flat(double[][] m) {
        int n = m.length;
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) m[i][j];
            }
        }
        return out;
    }

    static VerticalScoreOptions k(int k) {
        return VerticalScoreOptions.head().withProximityIgnore(k);
    }

    /** Every sentence attends only to the one before it (sentence 0 to itself). */
    static double[][] previousSentence(int n) {
        double[][] m = new double[n][n];
        m[0][0] = 1;
        for (int i = 1; i < n; i++) {
            m[i][i - 1] = 1;
        }
        return m;
    }

    @Test
    void previousSentenceHeadIsAllRecency() {
        float[] m = flat(previousSentence(8));
        assertEquals(1.0, RecencyShare.of(m, 0, 8, RegionLayout.SENTENCES, k(4)), TOL);
        assertEquals(1.0, RecencyShare.of(m, 0, 8, RegionLayout.SENTENCES, k(2)), TOL);
        // k = 1 keeps only the diagonal in the window: of the 8 rows' mass, only row 0's self-attention.
        assertEquals(1.0 / 8, RecencyShare.of(m, 0, 8, RegionLayout.SENTENCES, k(1)), TOL);
        assertEquals(0.0, RecencyShare.of(m, 0, 8, RegionLayout.SENTENCES, k(0)), TOL);
    }

    @Test
    void handWorkedMatrixIgnoresUpperTriangle() {
        // Rows of VerticalScoresTest.M each sum to 1 over j ≤ i (total 6); the diagonal holds 2.0 and the first
        // sub-diagonal 1.5, so k = 2 gives 3.5 / 6; the 9s above the diagonal must not count.
        float[] m = flat(VerticalScoresTest.M);
        assertEquals(3.5 / 6, RecencyShare.of(m, 0, 6, RegionLayout.SENTENCES, k(2)), TOL);
        assertEquals(2.0 / 6, RecencyShare.of(m, 0, 6, RegionLayout.SENTENCES, k(1)), TOL);
    }

    @Test
    void nanCellsAreLeftOutOfBothSums() {
        double[][] m = {{1, 0, 0}, {Double.NaN, 1, 0}, {1, 1, 2}};
        // Total over finite lower cells 6; window k = 1 (diagonal) 4.
        assertEquals(4.0 / 6, RecencyShare.of(flat(m), 0, 3, RegionLayout.SENTENCES, k(1)), TOL);
        assertTrue(Double.isNaN(RecencyShare.of(new float[4], 0, 2, RegionLayout.SENTENCES, k(1))));
    }

    @Test
    void promptAndOutputRegionsFollowTheScoresPseudoRegionChoice() {
        // Prompt row/column 0 and output row 3 around two sentences; the prompt column carries most of the mass.
        double[][] m = {
                {1, 0, 0, 0},
                {5, 1, 0, 0},
                {5, 2, 3, 0},
                {7, 1, 1, 1}};
        float[] f = flat(m);
        // DROP_BOTH: only the 2×2 sentence square {1; 2 3}, window k = 1 = the diagonal 4 of 6.
        assertEquals(4.0 / 6, RecencyShare.of(f, 0, 4, RegionLayout.PROMPT_SENTENCES_OUTPUT, k(1)), TOL);
        // KEEP_BOTH: the whole lower triangle (27), diagonal 6.
        assertEquals(6.0 / 27, RecencyShare.of(f, 0, 4, RegionLayout.PROMPT_SENTENCES_OUTPUT,
                k(1).withPseudoRegions(PseudoRegions.KEEP_BOTH)), TOL);
    }

    @Test
    void perHeadReadsEachHeadsOwnMatrix() {
        float[] a = flat(previousSentence(4));
        double[][] uniform = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= i; j++) {
                uniform[i][j] = 1.0 / (i + 1);
            }
        }
        float[] b = flat(uniform);
        float[] data = new float[32];
        System.arraycopy(a, 0, data, 0, 16);
        System.arraycopy(b, 0, data, 16, 16);
        PooledAttention att = new PooledAttention(1, 2, RegionLayout.SENTENCES, new int[] {0, 1, 2, 3}, data);
        // Uniform causal head, k = 1: diagonal 1 + 1/2 + 1/3 + 1/4 of total 4.
        assertArrayEquals(new double[] {1.0 / 4, (1 + 0.5 + 1.0 / 3 + 0.25) / 4},
                RecencyShare.perHead(att, k(1)), TOL);
    }
}
