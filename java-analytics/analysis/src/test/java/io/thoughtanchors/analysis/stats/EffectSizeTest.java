package io.thoughtanchors.analysis.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EffectSizeTest {

    @Test
    void pairedCohensDzByHand() {
        double[] a = {3, 5, 4, 8, Double.NaN};
        double[] b = {1, 2, 2, 3, 4};
        // d = [2, 3, 2, 5] (the NaN pair dropped): mean 3, squared deviations 1 + 0 + 1 + 4 = 6, sd = √(6/3) = √2.
        assertEquals(3 / Math.sqrt(2), EffectSize.pairedCohensDz(a, b), 1e-15);
        assertEquals(-3 / Math.sqrt(2), EffectSize.pairedCohensDz(b, a), 1e-15);
        // d_z = t / √N of the same pairs.
        assertEquals(PairedTTest.test(a, b).t() / 2, EffectSize.pairedCohensDz(a, b), 1e-12);
    }

    @Test
    void tooFewPairsOrNoSpread() {
        assertEquals(Double.NaN, EffectSize.pairedCohensDz(new double[] {1, Double.NaN}, new double[] {2, 3}));
        assertEquals(Double.POSITIVE_INFINITY, EffectSize.pairedCohensDz(new double[] {2, 3}, new double[] {1, 2}));
        assertEquals(Double.NaN, EffectSize.pairedCohensDz(new double[] {2, 3}, new double[] {2, 3}));
    }
}
