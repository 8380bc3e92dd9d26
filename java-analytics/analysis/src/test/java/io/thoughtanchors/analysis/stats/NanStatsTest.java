package io.thoughtanchors.analysis.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NanStatsTest {
    static final double NaN = Double.NaN;

    @Test
    void nanAwareReductions() {
        double[] x = {1, NaN, 2, 4, 10};
        assertEquals(4.25, NanStats.nanMean(x), 1e-15);
        assertTrue(Double.isNaN(NanStats.mean(x)));
        assertEquals(3.0, NanStats.nanMedian(x), 1e-15);
        assertEquals(2.0, NanStats.nanMedian(new double[] {NaN, 2}), 0);
        assertTrue(Double.isNaN(NanStats.nanMedian(new double[] {NaN})));
        assertEquals(Math.sqrt((3.25 * 3.25 + 2.25 * 2.25 + 0.25 * 0.25 + 5.75 * 5.75) / 4), NanStats.nanStdPopulation(x), 1e-12);
    }

    @Test
    void quantileType7() {
        double[] x = {3, 1, NaN, 4, 2};
        assertEquals(1.75, NanStats.quantile(x, 0.25), 1e-15);
        assertEquals(2.5, NanStats.quantile(x, 0.5), 1e-15);
        assertEquals(4.0, NanStats.quantile(x, 1.0), 0);
        assertEquals(3.1, NanStats.quantile(x, 0.7), 1e-12);
    }

    @Test
    void zScoresUsePopulationStd() {
        assertArrayEquals(new double[] {-1, NaN, 1}, NanStats.zScores(new double[] {1, NaN, 3}), 1e-15);
    }

    @Test
    void olsWithInterceptRecoversLinearModelAndSkipsNaNRows() {
        double[] x1 = {0, 1, 2, 3, 4, 5};
        double[] x2 = {1, 0, 1, 1, 0, NaN};
        double[] y = new double[6];
        for (int i = 0; i < 6; i++) {
            y[i] = 2 + 3 * x1[i] - x2[i];
        }
        Ols.Fit fit = Ols.fit(y, x1, x2);
        assertArrayEquals(new double[] {2, 3, -1}, fit.coefficients(), 1e-10);
        assertEquals(5, fit.rowsUsed());
        assertTrue(Double.isNaN(fit.residuals()[5]));
        assertEquals(0.0, fit.residuals()[2], 1e-10);
    }
}
