package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.stats.Kurtosis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/algorithms.md §5.7 test vectors and the edge cases of docs/algorithms.md §17. */
class VerticalScoresTest {
    static final double NaN = Double.NaN;
    static final double TOL = 1e-6;

    /** docs/algorithms.md §5.7 M; the upper triangle holds junk that must be ignored. */
    static final double[][] M = {
            {1.0, 9, 9, 9, 9, 9},
            {0.6, 0.4, 9, 9, 9, 9},
            {0.5, 0.3, 0.2, 9, 9, 9},
            {0.4, 0.1, 0.3, 0.2, 9, 9},
            {0.3, 0.3, 0.1, 0.2, 0.1, 9},
            {0.2, 0.1, 0.4, 0.1, 0.1, 0.1}};

    static VerticalScoreOptions opts(int k, DepthControl d) {
        return VerticalScoreOptions.head().withProximityIgnore(k).withDepthControl(d);
    }

    @Test
    void k1NoDepthControl() {
        assertArrayEquals(new double[] {0.4, 0.2, 0.266667, 0.15, 0.1, NaN}, VerticalScores.of(M, opts(1, DepthControl.NONE)), TOL);
    }

    @Test
    void k1RankDepthControl() {
        assertArrayEquals(new double[] {0.935, 0.527083, 0.638889, 0.45, 0.4, NaN}, VerticalScores.of(M, opts(1, DepthControl.RANK)), TOL);
    }

    @Test
    void k2NoDepthControl() {
        assertArrayEquals(new double[] {0.35, 0.166667, 0.25, 0.1, NaN, NaN}, VerticalScores.of(M, opts(2, DepthControl.NONE)), TOL);
    }

    @Test
    void k2RankDepthControl() {
        assertArrayEquals(new double[] {0.895833, 0.569444, 0.666667, 0.375, NaN, NaN}, VerticalScores.of(M, opts(2, DepthControl.RANK)), TOL);
    }

    @Test
    void kurtosisOfK1RawVector() {
        assertEquals(-0.894161, Kurtosis.excess(VerticalScores.of(M, opts(1, DepthControl.NONE))), TOL);
    }

    @Test
    void k0KeepsTheDiagonal() {
        double[] v = VerticalScores.of(M, opts(0, DepthControl.NONE));
        assertEquals((1.0 + 0.6 + 0.5 + 0.4 + 0.3 + 0.2) / 6, v[0], TOL);
        assertEquals(0.1, v[5], TOL); // only the diagonal cell M[5,5]
    }

    @Test
    void rankTiesInARowShareTheAverageRank() {
        double[][] m = {{1, 0, 0}, {0.5, 0.5, 0}, {0.2, 0.2, 0.6}};
        // k = 0: row 1 ranks (1.5, 1.5)/2, row 2 ranks (1.5, 1.5, 3)/3
        double[] v = VerticalScores.of(m, opts(0, DepthControl.RANK));
        assertEquals((1.0 + 0.75 + 0.5) / 3, v[0], 1e-12);
        assertEquals((0.75 + 0.5) / 2, v[1], 1e-12);
        assertEquals(1.0, v[2], 1e-12);
    }

    @Test
    void allNaNRowsAndColumnsGiveNaNWithoutPoisoningOthers() {
        double[][] m = {{NaN, 0, 0}, {NaN, NaN, 0}, {0.4, NaN, 0.2}};
        double[] rank = VerticalScores.of(m, opts(0, DepthControl.RANK));
        assertEquals(1.0, rank[0], 1e-12); // row 2: ranks of (0.4, 0.2) = (2, 1) over m = 2
        assertTrue(Double.isNaN(rank[1]));
        assertEquals(0.5, rank[2], 1e-12);
        double[] raw = VerticalScores.of(m, opts(0, DepthControl.NONE));
        assertEquals(0.4, raw[0], 1e-6);
        assertTrue(Double.isNaN(raw[1]));
    }

    @Test
    void medianAggregate() {
        double[] v = VerticalScores.of(M, opts(1, DepthControl.NONE).withAggregate(ScoreAggregate.MEDIAN));
        assertArrayEquals(new double[] {0.4, 0.2, 0.3, 0.15, 0.1, NaN}, v, TOL);
    }

    @Test
    void rowIndexScalingMultipliesSentenceRowByIndexPlusOne() {
        double[] v = VerticalScores.of(M, opts(1, DepthControl.ROW_INDEX_SCALING));
        assertEquals((0.6 * 2 + 0.5 * 3 + 0.4 * 4 + 0.3 * 5 + 0.2 * 6) / 5, v[0], TOL);
    }

    @Test
    void paperRegionsDropPromptAndOutputByDefaultAndScaleByRegionRow() {
        int n = 6;
        int m = n + 2;
        float[] data = new float[m * m];
        // prompt row/col 0 and output row/col 7 filled with values that would change every score if used
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                boolean pseudo = i == 0 || j == 0 || i == m - 1 || j == m - 1;
                data[i * m + j] = pseudo ? 5f : (float) M[i - 1][j - 1];
            }
        }
        double[] out = new double[n];
        new VerticalScores(opts(1, DepthControl.ROW_INDEX_SCALING)).compute(data, 0, m, RegionLayout.PROMPT_SENTENCES_OUTPUT, out);
        assertArrayEquals(VerticalScores.of(M, opts(1, DepthControl.ROW_INDEX_SCALING)), out, TOL);
        // keeping the output row adds it (scaled by its region index 7) as a receiver of every sentence
        new VerticalScores(opts(1, DepthControl.NONE).withPseudoRegions(PseudoRegions.KEEP_OUTPUT))
                .compute(data, 0, m, RegionLayout.PROMPT_SENTENCES_OUTPUT, out);
        assertEquals((0.6 + 0.5 + 0.4 + 0.3 + 0.2 + 5) / 6, out[0], TOL);
        assertEquals(5.0, out[5], TOL);
    }

    @Test
    void dropEndsBlanksBothEnds() {
        double[] v = VerticalScores.of(M, opts(0, DepthControl.NONE).withDropEnds(2));
        assertTrue(Double.isNaN(v[0]) && Double.isNaN(v[1]) && Double.isNaN(v[4]) && Double.isNaN(v[5]));
        assertEquals((0.2 + 0.3 + 0.1 + 0.4) / 4, v[2], TOL);
    }

    @Test
    void zScoresHaveZeroMeanAndUnitPopulationStd() {
        double[] z = VerticalScores.of(M, opts(1, DepthControl.NONE).withScale(ScoreScale.Z_SCORE));
        double[] raw = {0.4, 0.2, 0.8 / 3, 0.15, 0.1};
        double mean = (0.4 + 0.2 + 0.8 / 3 + 0.15 + 0.1) / 5;
        double ss = 0;
        for (double x : raw) {
            ss += (x - mean) * (x - mean);
        }
        assertEquals((0.4 - mean) / Math.sqrt(ss / 5), z[0], 1e-6);
        assertTrue(Double.isNaN(z[5]));
    }
}
