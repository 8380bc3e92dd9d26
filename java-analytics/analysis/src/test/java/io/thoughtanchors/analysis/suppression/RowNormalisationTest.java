package io.thoughtanchors.analysis.suppression;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masking, row normalisation and display helpers (docs/algorithms.md §12.5). */
class RowNormalisationTest {
    static final double NAN = Double.NaN;

    @Test
    void smallMatrixByHand() {
        double[][] e = {
                {9, 9, 9},
                {-3, 9, 9},
                {1, 5, 9}};
        double[][] n = RowNormalisation.normalise(e);
        assertArrayEquals(new double[]{NAN, NAN, NAN}, n[0]);
        assertArrayEquals(new double[]{0, NAN, NAN}, n[1]); // a single earlier entry becomes exactly 0
        assertArrayEquals(new double[]{-2, 2, NAN}, n[2]);
        assertEquals(9, e[2][2], 0.0); // input untouched
    }

    /** Any normalised matrix has zero row means over j < i (docs/algorithms.md §17); tolerance: n·ulp of the values. */
    @Test
    void normalisedRowsHaveZeroMean() {
        Random r = new Random(2);
        int n = 80;
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e[i][j] = r.nextInt(10) == 0 ? NAN : -20.7 + 40 * r.nextDouble();
            }
        }
        double[] means = RowNormalisation.rowMeans(RowNormalisation.normalise(e));
        assertTrue(Double.isNaN(means[0]));
        for (int i = 1; i < n; i++) {
            double lowerNonNaN = 0;
            for (int j = 0; j < i; j++) {
                lowerNonNaN += Double.isNaN(e[i][j]) ? 0 : 1;
            }
            if (lowerNonNaN == 0) {
                assertTrue(Double.isNaN(means[i]));
            } else {
                assertEquals(0.0, means[i], 1e-13, "row " + i);
            }
        }
    }

    @Test
    void displayDiagonalAndColourRange() {
        int n = 15;
        double[][] m = new double[n][n];
        double v = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = j < i ? v++ : NAN; // 105 entries 0..104
            }
        }
        double[][] d = RowNormalisation.withDisplayDiagonal(m);
        // numpy.nanquantile(0..104, 0.99, linear) = 0.99·104 = 102.96
        for (int i = 0; i < n; i++) {
            assertEquals(102.96, d[i][i], 1e-12);
        }
        assertTrue(Double.isNaN(m[3][3]));
        // entries with i − j ≥ 11: rows 11..14; row i holds values starting at i(i−1)/2, columns 0..i−11
        double[] sel = {55, 66, 67, 78, 79, 80, 91, 92, 93, 94};
        RowNormalisation.ColourRange helper = RowNormalisation.colourRange(d, 0.05, 0.95, 11);
        assertEquals(sel[0] + 0.45 * (sel[1] - sel[0]), helper.vmin(), 1e-12);   // h = 9·0.05 = 0.45
        assertEquals(sel[8] + 0.55 * (sel[9] - sel[8]), helper.vmax(), 1e-12);   // h = 9·0.95 = 8.55
        RowNormalisation.ColourRange script = RowNormalisation.colourRange(d);
        assertEquals((sel[4] + sel[5]) / 2, script.vmin(), 1e-12);               // h = 4.5
        assertEquals(sel[8] + 0.982 * (sel[9] - sel[8]), script.vmax(), 1e-12);  // h = 8.982
    }
}
