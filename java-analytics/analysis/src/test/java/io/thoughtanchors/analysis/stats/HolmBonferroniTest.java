package io.thoughtanchors.analysis.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HolmBonferroniTest {

    @Test
    void handWorkedFamilyOfFour() {
        // m = 4, sorted: 0.005, 0.01, 0.03, 0.04, multiplied by 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04.
        // Monotonicity: the running maximum lifts the last from 0.04 to 0.06.
        // Back in input order (0.01, 0.04, 0.03, 0.005): 0.03, 0.06, 0.06, 0.02.
        double[] adjusted = HolmBonferroni.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
        assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, adjusted, 1e-15);
    }

    @Test
    void capAtOneAndNaNOutsideTheFamily() {
        // NaN is not a member: m = 3. Sorted 0.04, 0.6, 0.7 times 3, 2, 1: 0.12, 1.2 → capped at 1, 0.7 → lifted to 1.
        // Counting the NaN (m = 4) would give 0.16 for the smallest.
        double[] adjusted = HolmBonferroni.adjust(new double[] {0.6, 0.04, Double.NaN, 0.7});
        assertArrayEquals(new double[] {1.0, 0.12, Double.NaN, 1.0}, adjusted, 1e-15);
    }

    @Test
    void tiesShareTheirValueAndBoundsHold() {
        // 0.01 · 2 = 0.02, then 0.01 · 1 = 0.01 lifted to 0.02.
        assertArrayEquals(new double[] {0.02, 0.02}, HolmBonferroni.adjust(new double[] {0.01, 0.01}), 1e-15);
        assertArrayEquals(new double[] {0.3}, HolmBonferroni.adjust(new double[] {0.3}), 0);
        assertArrayEquals(new double[0], HolmBonferroni.adjust(new double[0]), 0);
        double[] p = {0.2, 0.001, 0.049, 0.8, 0.012, 0.03};
        double[] adjusted = HolmBonferroni.adjust(p);
        for (int i = 0; i < p.length; i++) {
            // Never below the raw p, never above Bonferroni's m · p.
            assertTrue(adjusted[i] >= p[i] && adjusted[i] <= Math.min(1, p.length * p[i]) + 1e-15, "p[" + i + "]");
        }
    }
}
