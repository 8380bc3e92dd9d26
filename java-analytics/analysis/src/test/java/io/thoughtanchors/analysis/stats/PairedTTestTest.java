package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedTTestTest {

    @Test
    void byHandAndAgainstCommonsMath() {
        double[] a = {1, 2, 3, 4, Double.NaN};
        double[] b = {0.5, 1.5, 3.5, 2, 7};
        // d = [0.5, 0.5, -0.5, 2]: mean 0.625, sd √(3.1875/3) → t = 0.625 / (sd/2)
        double t = 0.625 / (Math.sqrt(3.1875 / 3) / 2);
        TTestResult r = PairedTTest.test(a, b);
        assertEquals(t, r.t(), 1e-12);
        assertEquals(1.2126781, r.t(), 1e-6);
        assertEquals(3, r.df());
        assertEquals(4, r.n());
        double[] ca = {1, 2, 3, 4};
        double[] cb = {0.5, 1.5, 3.5, 2};
        assertEquals(new TTest().pairedT(ca, cb), r.t(), 1e-12);
        assertEquals(new TTest().pairedTTest(ca, cb), r.p(), 1e-12);
    }

    @Test
    void tooFewPairsIsNaN() {
        TTestResult r = PairedTTest.test(new double[] {1, Double.NaN}, new double[] {2, 3});
        assertTrue(Double.isNaN(r.t()));
        assertTrue(Double.isNaN(r.p()));
        assertEquals(1, r.n());
    }
}
