package io.thoughtanchors.analysis.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterBootstrapTest {

    // Three problems: {1, 3} (sum 4, 2 traces), {2} (sum 2, 1 trace), {6, 10} (sum 16, 2 traces).
    static final double[] VALUES = {1, 3, 2, 6, 10};
    static final int[] PROBLEM = {7, 7, 8, 9, 9};

    /** Problems, each with its traces' values: {@code problems} clusters of two noisy values. */
    static double[][] randomData(int problems, long seed) {
        Random random = new Random(seed);
        double[] values = new double[2 * problems];
        double[] cluster = new double[2 * problems];
        for (int p = 0; p < problems; p++) {
            double level = random.nextGaussian();
            for (int t = 0; t < 2; t++) {
                values[2 * p + t] = level + 0.5 * random.nextGaussian();
                cluster[2 * p + t] = p;
            }
        }
        return new double[][] {values, cluster};
    }

    static ClusterBootstrap.Interval run(double[][] data, BootstrapOptions options) {
        return ClusterBootstrap.mean(data[0], Arrays.stream(data[1]).mapToInt(x -> (int) x).toArray(), options);
    }

    @Test
    void exactDistributionOfThreeProblemsByEnumeration() {
        // Every ordered draw of 3 of the 3 problems is equally likely (1/27): enumerate the exact distribution of the
        // resample mean Σ sums / Σ counts and compare the bootstrap's frequencies and percentiles with it.
        double[] sum = {4, 2, 16};
        int[] count = {2, 1, 2};
        TreeMap<Double, Double> exact = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    double mean = (sum[i] + sum[j] + sum[k]) / (count[i] + count[j] + count[k]);
                    exact.merge(mean, 1.0 / 27, Double::sum);
                }
            }
        }
        int resamples = 40_000;
        ClusterBootstrap.Interval ci = ClusterBootstrap.mean(VALUES, PROBLEM, new BootstrapOptions(resamples, 0.8, 11));
        assertEquals(22.0 / 5, ci.estimate(), 1e-15);
        assertEquals(5, ci.values());
        assertEquals(3, ci.clusters());
        assertTrue(ci.fewClusters());
        TreeMap<Double, Integer> seen = new TreeMap<>();
        for (double m : ci.resampleMeans()) {
            Double atom = exact.floorKey(m + 1e-12);
            assertTrue(atom != null && Math.abs(atom - m) < 1e-12, "resample mean " + m + " is no possible mean");
            seen.merge(atom, 1, Integer::sum);
        }
        exact.forEach((atom, p) -> {
            double frequency = seen.getOrDefault(atom, 0) / (double) resamples;
            double sd = Math.sqrt(p * (1 - p) / resamples);
            assertEquals(p, frequency, 5 * sd, "frequency of resample mean " + atom);
        });
        // 80%: the 10th and 90th percentiles. With this many resamples they are the atoms where the exact cumulative
        // probability crosses 0.1 and 0.9 (the test checks the crossings are not near a jump).
        assertEquals(exactQuantile(exact, 0.1), ci.low(), 1e-12);
        assertEquals(exactQuantile(exact, 0.9), ci.high(), 1e-12);
    }

    /** The smallest atom whose cumulative probability reaches q, asserted to be more than 0.01 away from a jump. */
    static double exactQuantile(TreeMap<Double, Double> exact, double q) {
        double cumulative = 0;
        for (var e : exact.entrySet()) {
            double before = cumulative;
            cumulative += e.getValue();
            if (cumulative >= q) {
                assertTrue(q - before > 0.01 && cumulative - q > 0.01, "quantile " + q + " sits near a jump");
                return e.getKey();
            }
        }
        throw new AssertionError("no atom reaches " + q);
    }

    @Test
    void reproducibleWithTheSeedAndDifferentWithAnother() {
        double[][] data = randomData(12, 3);
        ClusterBootstrap.Interval first = run(data, BootstrapOptions.DEFAULT);
        ClusterBootstrap.Interval again = run(data, BootstrapOptions.DEFAULT);
        assertArrayEquals(first.resampleMeans(), again.resampleMeans(), 0);
        assertEquals(first.low(), again.low(), 0);
        assertEquals(first.high(), again.high(), 0);
        assertEquals(2000, first.resampleMeans().length);
        ClusterBootstrap.Interval other = run(data, BootstrapOptions.DEFAULT.withSeed(2));
        assertFalse(Arrays.equals(first.resampleMeans(), other.resampleMeans()));
    }

    @Test
    void intervalHoldsTheEstimateAndMatchesTheQuantilesOfItsResamples() {
        double[][] data = randomData(12, 5);
        ClusterBootstrap.Interval ci = run(data, BootstrapOptions.DEFAULT);
        assertEquals(NanStats.mean(data[0]), ci.estimate(), 1e-12);
        assertTrue(ci.low() < ci.estimate() && ci.estimate() < ci.high(), ci.toString());
        assertFalse(ci.fewClusters());
        double[] sorted = ci.resampleMeans().clone();
        Arrays.sort(sorted);
        // Type 7 at 0.025 of 2,000 sorted values: position 1999 · 0.025 = 49.975.
        assertEquals(sorted[49] + 0.975 * (sorted[50] - sorted[49]), ci.low(), 1e-12);
        assertEquals(sorted[1949] + 0.025 * (sorted[1950] - sorted[1949]), ci.high(), 1e-12);
        // A narrower level gives a nested interval.
        ClusterBootstrap.Interval half = run(data, BootstrapOptions.DEFAULT.withLevel(0.5));
        assertTrue(ci.low() < half.low() && half.high() < ci.high());
    }

    @Test
    void widthShrinksWithMoreProblems() {
        // The standard error of a mean over problems falls as 1/√problems: 16 times the problems, a quarter the width.
        List<Double> widths = new ArrayList<>();
        for (int problems : new int[] {10, 40, 160}) {
            ClusterBootstrap.Interval ci = run(randomData(problems, 9), BootstrapOptions.DEFAULT);
            widths.add(ci.high() - ci.low());
        }
        assertTrue(widths.get(1) < widths.get(0) && widths.get(2) < widths.get(1), widths.toString());
        assertTrue(widths.get(2) < 0.5 * widths.get(0), widths.toString());
    }

    @Test
    void problemsMoveTogether() {
        // Two traces per problem, equal within a problem: drawing problems, every resample mean is a mean of three
        // problem levels, a multiple of 1/3; drawing the six traces independently would also give sixths (1/6: one
        // trace of the second problem and five of the first).
        double[] values = {0, 0, 1, 1, 3, 3};
        int[] problem = {0, 0, 1, 1, 2, 2};
        ClusterBootstrap.Interval ci = ClusterBootstrap.mean(values, problem, BootstrapOptions.DEFAULT);
        for (double m : ci.resampleMeans()) {
            double thirds = m * 3;
            assertEquals(Math.rint(thirds), thirds, 1e-9, "mean " + m + " is not a mean of three problem levels");
        }
    }

    @Test
    void identicalProblemsGiveAZeroWidthInterval() {
        double[] values = {0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75};
        int[] problem = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
        ClusterBootstrap.Interval ci = ClusterBootstrap.mean(values, problem, BootstrapOptions.DEFAULT);
        assertEquals(0.5, ci.estimate(), 0);
        assertEquals(0.5, ci.low(), 1e-15);
        assertEquals(0.5, ci.high(), 1e-15);
        assertFalse(ci.fewClusters());
    }

    @Test
    void fewProblemsAreFlaggedAndOneIsNoInterval() {
        ClusterBootstrap.Interval one = ClusterBootstrap.mean(new double[] {1, 2, Double.NaN}, new int[] {4, 4, 5},
                BootstrapOptions.DEFAULT);
        // The NaN value leaves problem 5 without values: one problem, whose resamples would all be itself.
        assertEquals(1.5, one.estimate(), 0);
        assertEquals(1, one.clusters());
        assertEquals(2, one.values());
        assertEquals(Double.NaN, one.low());
        assertEquals(Double.NaN, one.high());
        assertEquals(0, one.resampleMeans().length);
        ClusterBootstrap.Interval none = ClusterBootstrap.mean(new double[0], new int[0], BootstrapOptions.DEFAULT);
        assertEquals(Double.NaN, none.estimate());
        ClusterBootstrap.Interval four = run(randomData(4, 1), BootstrapOptions.DEFAULT);
        assertTrue(four.fewClusters() && Double.isFinite(four.low()));
        assertFalse(run(randomData(5, 1), BootstrapOptions.DEFAULT).fewClusters());
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BootstrapOptions(0, 0.95, 1));
        assertThrows(IllegalArgumentException.class, () -> new BootstrapOptions(100, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BootstrapOptions(100, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ClusterBootstrap.mean(new double[2], new int[1], BootstrapOptions.DEFAULT));
        assertNotEquals(BootstrapOptions.DEFAULT, BootstrapOptions.DEFAULT.withResamples(10));
    }
}
