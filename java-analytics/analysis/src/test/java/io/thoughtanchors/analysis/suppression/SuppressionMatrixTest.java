package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.worker.Nucleus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matrix assembly on a hand-made trace: N = 10 tokens, sentences [2,4), [4,7), [7,9). The baseline keeps one token
 * (id 1, logit 4) at every position; a variant position is one of
 * S = {1: 4} (κ = 0), H = {1: 4, 2: 4} (κ = −ln ½ = ln 2), E = {1: 4, 2: 3.4} (κ = ln(1 + e^-1), since
 * 3.4 − 4 = −τ). Tolerance 1e-6: κ comes from float32 arithmetic (relative error ~1e-7), ℓ = ln(κ + 1e-9).
 */
class SuppressionMatrixTest {
    static final int N = 10;
    static final int[] A = {2, 4, 7};
    static final int[] B = {4, 7, 9};
    static final double KS = 0;
    static final double KH = Math.log(2);
    static final double KE = Math.log1p(Math.exp(-1));
    static final double S = Math.log(KS + 1e-9);
    static final double H = Math.log(KH + 1e-9);
    static final double E = Math.log(KE + 1e-9);
    static final double TOL = 1e-6;

    // variant j: first position and the code of each position from there on
    static final int[] FIRST = {2, 4, 7};
    static final String[] CODES = {"HSEHSHES", "EESHHS", "HEH"};

    static int[][] idsOf(char c) {
        return switch (c) {
            case 'S' -> new int[][]{{1}};
            default -> new int[][]{{1, 2}};
        };
    }

    static float[] logitsOf(char c) {
        return switch (c) {
            case 'S' -> new float[]{4f};
            case 'H' -> new float[]{4f, 4f};
            default -> new float[]{4f, 3.4f};
        };
    }

    static Nucleus nucleus(int first, String codes) {
        List<int[]> ids = new ArrayList<>();
        List<float[]> logits = new ArrayList<>();
        for (char c : codes.toCharArray()) {
            ids.add(idsOf(c)[0]);
            logits.add(logitsOf(c));
        }
        return build(first, ids, logits, null);
    }

    /** CSR nucleus from per-position id/logit arrays; retained mass 1 unless given. */
    static Nucleus build(int first, List<int[]> ids, List<float[]> logits, float[] retained) {
        int n = ids.size();
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + ids.get(i).length;
        }
        int[] flatIds = new int[offsets[n]];
        float[] flatLogits = new float[offsets[n]];
        for (int i = 0; i < n; i++) {
            System.arraycopy(ids.get(i), 0, flatIds, offsets[i], ids.get(i).length);
            System.arraycopy(logits.get(i), 0, flatLogits, offsets[i], logits.get(i).length);
        }
        float[] r = retained;
        if (r == null) {
            r = new float[n];
            Arrays.fill(r, 1f);
        }
        return new Nucleus(first, offsets, flatIds, flatLogits, r);
    }

    static Nucleus baseline() {
        return nucleus(0, "S".repeat(N));
    }

    static Nucleus variant(int j) {
        return nucleus(FIRST[j], CODES[j]);
    }

    static double mean(double... v) {
        return Arrays.stream(v).sum() / v.length;
    }

    static double[][] assemble(SuppressionOptions o) {
        SuppressionMatrix m = new SuppressionMatrix(baseline(), A, B, N, o);
        for (int j = 0; j < 3; j++) {
            m.addColumn(j, variant(j));
        }
        return m.matrix();
    }

    static void assertMatrix(double[][] expected, double[][] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], TOL, "row " + i);
        }
    }

    @Test
    void atPositionsByHand() {
        // ℓ_t per variant:  t = 0 1 2 3 4 5 6 7 8 9
        //   j=0 (first 2):      S S H S E H S H E S
        //   j=1 (first 4):      S S S S E E S H H S
        //   j=2 (first 7):      S S S S S S S H E H
        double[][] expected = {
                {mean(H, S), mean(S, S), mean(S, S)},
                {mean(E, H, S), mean(E, E, S), mean(S, S, S)},
                {mean(H, E), mean(H, H), mean(H, E)}};
        assertMatrix(expected, assemble(SuppressionOptions.REFERENCE));
    }

    @Test
    void ofTokensByHand() {
        // windows shift by −1: [1,3), [3,6), [6,8)
        double[][] expected = {
                {mean(S, H), mean(S, S), mean(S, S)},
                {mean(S, E, H), mean(S, E, E), mean(S, S, S)},
                {mean(S, H), mean(S, H), mean(S, H)}};
        assertMatrix(expected, assemble(SuppressionOptions.REFERENCE.withAlignment(PredictionAlignment.OF_TOKENS)));
    }

    @Test
    void withoutLogAndOnlyFirst() {
        double[][] noLog = assemble(SuppressionOptions.REFERENCE.withTakeLog(false));
        assertEquals(mean(KE, KH, KS), noLog[1][0], TOL);
        assertEquals(mean(KH, KE), noLog[2][2], TOL);
        assertEquals(0.0, noLog[0][1], 0.0);
        double[][] first = assemble(SuppressionOptions.REFERENCE.withOnlyFirst(OptionalInt.of(1)));
        double[][] expected = {{H, S, S}, {E, E, S}, {H, H, H}};
        assertMatrix(expected, first);
    }

    @Test
    void tailModeGivesFloorForUnaffectedPositions() {
        double[][] m = assemble(SuppressionOptions.REFERENCE.withKlMode(KlMode.SPARSE_WITH_TAIL));
        assertEquals(S, m[0][1], 0.0); // only unaffected positions: KL(B‖B) = 0 exactly
        assertEquals(S, m[1][2], 0.0);
        assertTrue(m[2][2] > S);
    }

    @Test
    void prefixReuseEqualsFullRecompute() {
        SuppressionMatrix m = new SuppressionMatrix(baseline(), A, B, N, SuppressionOptions.REFERENCE);
        double[] reused = m.addColumn(1, variant(1));
        double[] full = m.addColumn(1, nucleus(0, "SSSS" + CODES[1]));
        assertArrayEquals(reused, full, 0.0);
        double[] kappa = m.divergences(1, variant(1));
        assertEquals(N, kappa.length);
        assertEquals(KS, kappa[3], 0.0, "before the variant's first position: the baseline's own, KL(B||B) = 0");
        assertEquals(KE, kappa[4], TOL);
    }

    @Test
    void columnsInAnyOrderAndFromStoredDivergencesGiveTheSameMatrix() {
        SuppressionMatrix a = new SuppressionMatrix(baseline(), A, B, N, SuppressionOptions.REFERENCE);
        a.addColumn(0, variant(0));
        assertTrue(Double.isNaN(a.matrix()[0][1]), "a column not added yet is NaN");
        a.addColumn(1, variant(1));
        a.addColumn(2, variant(2));

        // what the CLI's store does: κ of a mode without the log, the column built later under chosen options
        SuppressionMatrix kappaOnly = new SuppressionMatrix(baseline(), A, B, N,
                SuppressionOptions.REFERENCE.withTakeLog(false));
        SuppressionMatrix b = new SuppressionMatrix(baseline(), A, B, N, SuppressionOptions.REFERENCE);
        for (int j : new int[]{2, 0, 1}) {
            b.addColumn(j, kappaOnly.divergences(j, variant(j)));
        }
        assertArrayEquals(a.matrix(), b.matrix());
    }

    @Test
    void emptyAndClippedWindowsGiveNaNRows() {
        int[] a = {2, 5, 9, 12};
        int[] b = {5, 5, 12, 14};
        SuppressionMatrix m = new SuppressionMatrix(baseline(), a, b, N, SuppressionOptions.REFERENCE);
        double[] col = m.addColumn(0, nucleus(2, "HSEHSHES"));
        assertTrue(Double.isNaN(col[1]), "[5, 5) is empty");
        assertTrue(Double.isNaN(col[3]), "[12, 14) clipped to N = 10 is empty");
        assertEquals(S, col[2], 0.0, "[9, 12) clipped to N is position 9 alone");
        assertEquals(mean(H, S, E), col[0], TOL);
    }

    @Test
    void variantsMustCoverWhatTheSuppressionCanChange() {
        SuppressionMatrix m = new SuppressionMatrix(baseline(), A, B, N, SuppressionOptions.REFERENCE);
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> m.addColumn(1, nucleus(5, "ESHHS")));
        assertTrue(late.getMessage().contains("[4, 10)"), late.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.addColumn(1, nucleus(4, "EESHH")));
        assertThrows(IllegalArgumentException.class,
                () -> new SuppressionMatrix(nucleus(1, "S".repeat(9)), A, B, N, SuppressionOptions.REFERENCE));
    }

    @Test
    void nanIsAHardErrorNamingSentencesAndPosition() {
        SuppressionMatrix m = new SuppressionMatrix(baseline(), A, B, N, SuppressionOptions.REFERENCE);
        List<int[]> ids = new ArrayList<>();
        List<float[]> logits = new ArrayList<>();
        for (int t = 7; t < N; t++) {
            ids.add(new int[]{1, 2});
            logits.add(t == 8 ? new float[]{4f, Float.NaN} : new float[]{4f, 3.4f});
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.addColumn(2, build(7, ids, logits, null)));
        assertTrue(e.getMessage().contains("position 8"), e.getMessage());
        assertTrue(e.getMessage().contains("receiving sentence 2"), e.getMessage());
        assertTrue(e.getMessage().contains("suppressed sentence 2"), e.getMessage());
        assertTrue(Double.isNaN(m.matrix()[0][2]), "the column was not stored");
        IllegalStateException stored = assertThrows(IllegalStateException.class,
                () -> m.addColumn(2, m.divergences(2, build(7, ids, logits, null))));
        assertEquals(e.getMessage(), stored.getMessage(), "the same refusal from stored divergences");
    }
}
