package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.PassCriterion;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.Result;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.Selection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ARENA single-sentence check (docs/algorithms.md §13). */
class SingleSentenceCheckTest {

    /**
     * Vocabulary of 3, base = (1, 2, 3), suppressed = (1, 3, 2), τ = 1: q is p with the last two entries swapped,
     * so KL = p2 ln(p2/p3) + p3 ln(p3/p2) = (p3 − p2)·1 = (e³ − e²)/(e + e² + e³). The 1e-10 epsilons move each
     * term by about ε·(1 − p/q) ≤ 1e-10, hence the tolerance 1e-9.
     */
    @Test
    void klOnThreeTokensByHand() {
        float[] base = {1, 2, 3};
        float[] supp = {1, 3, 2};
        double e1 = Math.E;
        double e2 = Math.exp(2);
        double e3 = Math.exp(3);
        double expected = (e3 - e2) / (e1 + e2 + e3);
        assertEquals(0.420512, expected, 1e-6);
        assertEquals(expected, SingleSentenceCheck.kl(base, supp), 1e-9);
        // τ = 2 halves the logit gaps: (e^1.5 − e^1)/(e^0.5 + e^1 + e^1.5) · 0.5
        double expected2 = (Math.exp(1.5) - Math.exp(1)) * 0.5 / (Math.exp(0.5) + Math.exp(1) + Math.exp(1.5));
        assertEquals(expected2, SingleSentenceCheck.kl(base, supp, 2.0), 1e-9);
        assertEquals(0.0, SingleSentenceCheck.kl(base, base.clone()), 0.0);
        // shift invariance of the softmax
        assertEquals(expected, SingleSentenceCheck.kl(new float[]{101, 102, 103}, new float[]{-9, -7, -8}), 1e-9);
    }

    @Test
    void verdictAndRatio() {
        float[] base = {1, 2, 3};
        Result r = SingleSentenceCheck.evaluate(new Selection(4, 1), base, new float[]{1, 3, 2}, new float[]{1, 2.01f, 3},
                1.0, PassCriterion.TEN_TIMES);
        assertTrue(r.klHigh() > 10 * r.klLow());
        assertTrue(r.passed());
        assertEquals(r.klHigh() / (r.klLow() + 1e-10), r.ratio(), 0.0);
        assertFalse(PassCriterion.TEN_TIMES.passes(0.9, 0.1));
        assertTrue(PassCriterion.ONE_AND_A_HALF_TIMES.passes(1.6, 1.0));
        assertFalse(PassCriterion.ONE_AND_A_HALF_TIMES.passes(1.5, 1.0));
        // ARENA's product form passes on KL_low = 0 even though the printed ratio is below 10
        assertTrue(PassCriterion.TEN_TIMES.passes(5e-10, 0.0));
    }

    @Test
    void selectionIgnoresNaNAndTakesFirstOnTies() {
        double n = Double.NaN;
        Selection s = SingleSentenceCheck.select(new double[]{n, 0.5, 0.97, 0.2, 0.97, n, 0.2});
        assertEquals(2, s.high());
        assertEquals(3, s.low());
        Selection one = SingleSentenceCheck.select(new double[]{n, 0.3, n});
        assertEquals(1, one.high());
        assertEquals(1, one.low());
        assertThrows(IllegalArgumentException.class, () -> SingleSentenceCheck.select(new double[]{n, n}));
    }

    @Test
    void topHeadsGroupedByLayer() {
        List<Head> ranked = List.of(new Head(36, 6), new Head(20, 1), new Head(36, 2), new Head(41, 0),
                new Head(20, 7), new Head(5, 5));
        Map<Integer, List<Integer>> m = SingleSentenceCheck.layerToHeads(ranked, SingleSentenceCheck.DEFAULT_TOP_HEADS);
        assertEquals(List.of(36, 20, 41), new ArrayList<>(m.keySet()));
        assertEquals(List.of(6, 2), m.get(36));
        assertEquals(List.of(1, 7), m.get(20));
        assertEquals(List.of(0), m.get(41));
        assertThrows(IllegalArgumentException.class, () -> SingleSentenceCheck.layerToHeads(ranked, 7));
    }
}
