package io.thoughtanchors.analysis.stats;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorrelationTest {

    @Test
    void spearmanWithTiesByHand() {
        // ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4] → r = 4.5 / √22.5; with df = 2, p = 1 − r exactly.
        CorrelationResult s = Correlation.spearman(new double[] {1, 2, 2, 3, Double.NaN}, new double[] {1, 3, 2, 4, 5});
        double r = 4.5 / Math.sqrt(22.5);
        assertEquals(r, s.r(), 1e-12);
        assertEquals(1 - r, s.p(), 1e-9);
        assertEquals(4, s.n());
    }

    @Test
    void averageRanksOmitNaNAndMatchCommonsMath() {
        assertArrayEquals(new double[] {2, Double.NaN, 3.5, 1, 3.5}, Ranks.averageRanks(new double[] {0.3, Double.NaN, 0.5, 0.1, 0.5}), 0);
        Random rnd = new Random(3);
        double[] x = new double[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(20);
        }
        assertArrayEquals(new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE).rank(x), Ranks.averageRanks(x), 1e-12);
    }

    @Test
    void pearsonMatchesCommonsMathIncludingPValue() {
        Random rnd = new Random(11);
        double[] x = new double[40];
        double[] y = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
            y[i] = 0.3 * x[i] + rnd.nextGaussian();
        }
        PearsonsCorrelation pc = new PearsonsCorrelation(transpose(x, y));
        CorrelationResult r = Correlation.pearson(x, y);
        assertEquals(pc.getCorrelationMatrix().getEntry(0, 1), r.r(), 1e-12);
        assertEquals(pc.getCorrelationPValues().getEntry(0, 1), r.p(), 1e-9);
    }

    @Test
    void degenerateInputsAreNaN() {
        assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 1, 1}, new double[] {1, 2, 3}).r()));
        assertTrue(Double.isNaN(Correlation.spearman(new double[] {1, 2}, new double[] {2, 1}).r()));
        assertEquals(0.0, Correlation.spearman(new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 9}).p(), 0);
    }

    private static double[][] transpose(double[] x, double[] y) {
        double[][] m = new double[x.length][2];
        for (int i = 0; i < x.length; i++) {
            m[i][0] = x[i];
            m[i][1] = y[i];
        }
        return m;
    }
}
