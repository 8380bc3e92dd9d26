package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.stat.descriptive.moment.Kurtosis;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KurtosisTest {

    @Test
    void specVectorK1Raw() {
        double[] v = {0.4, 0.2, 0.266667, 0.15, 0.1, Double.NaN};
        assertEquals(-0.894161, io.thoughtanchors.analysis.stats.Kurtosis.excess(v), 1e-5);
        double[] exact = {0.4, 0.2, 0.8 / 3, 0.15, 0.1, Double.NaN};
        assertEquals(-0.894161, io.thoughtanchors.analysis.stats.Kurtosis.excess(exact), 1e-6);
    }

    @Test
    void edgeCases() {
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {})));
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {Double.NaN, Double.NaN})));
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {3.5})));
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {0.1, 0.1, 0.1, Double.NaN})));
        assertEquals(-2.0, io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {1, 2}), 1e-12);
        assertEquals(-2.0, io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {1, 1, 2, 2, Double.NaN}), 1e-12);
        // ARENA minimum of 4 finite values
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {1, 2, 4}, 4)));
        assertEquals(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {1, 2, 4, 8}),
                io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {1, 2, 4, 8}, 4), 0);
    }

    @Test
    void nearlyConstantLargeValuesCountAsConstant() {
        // one ulp apart: m2 ≈ 7e-31 is below (eps·mean)² ≈ 4.9e-30, so SciPy returns NaN, not a noise-driven number
        double ten = 10.0;
        assertTrue(Double.isNaN(io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {ten, Math.nextUp(ten), ten})));
        assertEquals(-1.5, io.thoughtanchors.analysis.stats.Kurtosis.excess(new double[] {ten, ten + 1e-6, ten}), 1e-6);
    }

    @Test
    void matchesCommonsMathG2AfterBiasConversion() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 5 + rnd.nextInt(200);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Math.exp(rnd.nextGaussian());
            }
            double bigG2 = new Kurtosis().evaluate(x);
            double g2 = (bigG2 * (n - 2.0) * (n - 3.0) / (n - 1.0) - 6.0) / (n + 1.0);
            assertEquals(g2, io.thoughtanchors.analysis.stats.Kurtosis.excess(x), 1e-9 * Math.max(1, Math.abs(g2)));
        }
    }
}
