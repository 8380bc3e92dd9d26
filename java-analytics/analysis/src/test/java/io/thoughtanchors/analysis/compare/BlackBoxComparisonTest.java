package io.thoughtanchors.analysis.compare;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BlackBoxComparisonTest {

    static List<TraceSentences> traces(double uSign, Random rnd) {
        return traces(uSign, rnd, new ArrayList<>());
    }

    /** @param importance receives each trace's ρ with cf = −ρ */
    static List<TraceSentences> traces(double uSign, Random rnd, List<TraceImportance> importance) {
        List<TraceSentences> out = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            int n = 20 + 5 * r;
            double[] rho = new double[n];
            double[] u = new double[n];
            double[] cf = new double[n];
            boolean[] inc = new boolean[n];
            for (int j = 0; j < n; j++) {
                rho[j] = j == n - 1 ? Double.NaN : rnd.nextDouble();
                u[j] = uSign * rho[j];
                cf[j] = -rho[j];
                inc[j] = j != 0; // e.g. the problem_setup sentence
            }
            out.add(new TraceSentences("t" + r, rho, u, inc));
            importance.add(new TraceImportance("t" + r, rho, cf));
        }
        return out;
    }

    @Test
    void identicalScoresCorrelatePerfectlyAfterResidualising() {
        List<TraceImportance> importance = new ArrayList<>();
        ResamplingComparison r = BlackBoxComparison.resampling(traces(1, new Random(1), importance), Trim.MIN_AND_MAX);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, r.residualSpearman(), 1e-12);
        assertEquals(3, r.used().length);
        assertEquals(1.0, r.mean(), 1e-12);
        assertEquals(0.0, r.se(), 1e-12);
        CounterfactualComparison c = BlackBoxComparison.counterfactual(importance);
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), c.traceIds());
        assertEquals(1.0, c.pearsonVsNegCf().get(0).r(), 1e-12);
        assertEquals(1.0, c.spearmanVsAbsCf().get(0).r(), 1e-12);
    }

    @Test
    void negatedScoresGiveMinusOneAndNoTrimKeepsAll() {
        ResamplingComparison r = BlackBoxComparison.resampling(traces(-1, new Random(2)), Trim.NONE);
        assertEquals(5, r.used().length);
        assertEquals(-1.0, r.mean(), 1e-12);
        assertEquals(r.mean(), r.ciLow(), 1e-12);
    }

    @Test
    void resamplingScoreIsMeanAbsoluteInfluenceAtLeastKLater() {
        double[][] c = {{0, -0.2, 0.4, 0.1}, {0, 0, 0.3, -0.5}, {0, 0, 0, 0.2}, {0, 0, 0, 0}};
        assertArrayEquals(new double[] {0.25, 0.5, Double.NaN, Double.NaN},
                ResamplingScores.compute(c, 4, 2, ImportanceTransform.ABSOLUTE), 1e-15);
        assertArrayEquals(new double[] {0.075, -0.2 / 3, 0.1, 0.0},
                ResamplingScores.compute(c, 4, 0, ImportanceTransform.SIGNED), 1e-15);
        assertArrayEquals(new double[] {0.3, 0.3, Double.NaN}, ResamplingScores.compute(c, 3, 1, ImportanceTransform.ABSOLUTE), 1e-15);
    }
}
