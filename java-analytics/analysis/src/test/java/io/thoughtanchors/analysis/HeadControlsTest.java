package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadRanking;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.RegionLayout;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.stats.Kurtosis;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controls of docs/algorithms.md §6.4–6.5 against direct recomputations: the recency share summed cell by cell,
 * the sweep's rankings, overlaps and Spearman correlations from per-head kurtosis sorted here, ranks computed here.
 */
class HeadControlsTest {
    static final int LAYERS = 2;
    static final int HEADS = 3;
    static final int N = 9;
    static final AnalysisOptions OPTIONS = Profile.RECOMMENDED.options().withLayerZero(LayerZero.INCLUDE).withTopK(3);

    /** Random lower-triangular matrices, spiky so that kurtosis differs between heads and proximity values. */
    static double[][][] matrices(long seed) {
        Random random = new Random(seed);
        double[][][] m = new double[LAYERS * HEADS][N][N];
        for (double[][] head : m) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j <= i; j++) {
                    head[i][j] = Math.pow(random.nextDouble(), 3);
                }
            }
        }
        return m;
    }

    static PooledAttention pooled(double[][][] m) {
        float[] data = new float[LAYERS * HEADS * N * N];
        for (int f = 0; f < m.length; f++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    data[(f * N + i) * N + j] = (float) m[f][i][j];
                }
            }
        }
        return new PooledAttention(LAYERS, HEADS, RegionLayout.SENTENCES, IntStream.range(0, N).toArray(), data);
    }

    /** The matrix as the analysis sees it (float precision). */
    static double[][] asFloat(double[][] m) {
        double[][] out = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                out[i][j] = (float) m[i][j];
            }
        }
        return out;
    }

    static double directShare(double[][] m, int k) {
        double window = 0;
        double total = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j <= i; j++) {
                total += (float) m[i][j];
                window += i - j < k ? (float) m[i][j] : 0;
            }
        }
        return window / total;
    }

    /** Mean over traces of each head's kurtosis at proximity k, by the matrix form of the vertical score. */
    static double[] directMeanKurtosis(List<double[][][]> traces, int k) {
        double[] mean = new double[LAYERS * HEADS];
        for (double[][][] t : traces) {
            for (int f = 0; f < mean.length; f++) {
                mean[f] += Kurtosis.excess(VerticalScores.of(asFloat(t[f]),
                        OPTIONS.kurtosisScores().withProximityIgnore(k))) / traces.size();
            }
        }
        return mean;
    }

    static List<Integer> topByValue(double[] mean, int k) {
        return IntStream.range(0, mean.length).boxed().sorted(Comparator.comparingDouble(f -> -mean[f]))
                .limit(k).toList();
    }

    /** Spearman of distinct values: 1 − 6 Σ d² / (n (n² − 1)). */
    static double spearmanDistinct(double[] x, double[] y) {
        int n = x.length;
        double[] rx = new double[n];
        double[] ry = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rx[i] += x[j] < x[i] ? 1 : 0;
                ry[i] += y[j] < y[i] ? 1 : 0;
            }
        }
        double d2 = 0;
        for (int i = 0; i < n; i++) {
            d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
        }
        return 1 - 6 * d2 / (n * ((double) n * n - 1));
    }

    @Test
    void recencyShareAndSweepMatchADirectComputation() {
        List<double[][][]> traces = List.of(matrices(1), matrices(2), matrices(3));
        HeadControlOptions controls = HeadControlOptions.DEFAULTS.withProximitySweep(List.of(4, 0, 1, 2));
        List<HeadControls.TraceControls> perTrace = traces.stream()
                .map(t -> HeadControls.ofTrace(pooled(t), OPTIONS, controls)).toList();
        List<String> ids = List.of("a", "b", "c");
        HeadRankingResult reference = HeadRanking.rank(ids, perTrace.stream().map(t -> t.sweepKurtosis()[3]).toList(),
                LAYERS, HEADS, NanHeadPolicy.PROPAGATE, LayerZero.INCLUDE, 3);
        HeadControls.Result r = HeadControls.combine(ids, perTrace, reference, OPTIONS, controls);

        int k = OPTIONS.kurtosisScores().proximityIgnore();
        assertEquals(4, k);
        for (int f = 0; f < LAYERS * HEADS; f++) {
            double share = 0;
            for (double[][][] t : traces) {
                share += directShare(t[f], k) / traces.size();
            }
            assertEquals(share, r.recencyShare()[f], 1e-6, "head " + f);
            assertTrue(r.recencyShare()[f] > 0 && r.recencyShare()[f] < 1);
        }

        double[] configured = directMeanKurtosis(traces, k);
        Set<Integer> referenceTop = new HashSet<>(topByValue(configured, 3));
        assertEquals(List.of(0, 1, 2, 4), r.sweep().stream().map(HeadControls.SweepPoint::proximityIgnore).toList());
        boolean someDisagree = false;
        for (HeadControls.SweepPoint point : r.sweep()) {
            double[] mean = directMeanKurtosis(traces, point.proximityIgnore());
            HeadRankingResult ranking = point.ranking().orElseThrow();
            for (int f = 0; f < mean.length; f++) {
                assertEquals(mean[f], ranking.meanKurtosis()[f], 1e-6);
            }
            List<Integer> top = topByValue(mean, 3);
            assertEquals(top, ranking.topHeads().stream().map(h -> h.flatIndex(HEADS)).toList());
            long both = top.stream().filter(referenceTop::contains).count();
            assertEquals(both, point.overlapCount());
            assertEquals(both / 3.0, point.overlap(), 1e-12);
            assertEquals(spearmanDistinct(mean, configured), point.spearman().r(), 1e-9);
            assertEquals(point.proximityIgnore() == 4, point.configured());
            someDisagree |= point.overlapCount() < 3;
        }
        HeadControls.SweepPoint own = r.sweep().get(3);
        assertEquals(1.0, own.overlap());
        assertEquals(1.0, own.spearman().r(), 1e-12);
        assertTrue(someDisagree, "random heads should reorder across proximity values");
    }

    @Test
    void aHeadOnThePreviousSentenceHasShareOneAndTheNaNPolicyIsReported() {
        double[][][] m = matrices(4);
        for (int i = 0; i < N; i++) {
            Arrays.fill(m[0][i], 0);
            m[0][i][Math.max(0, i - 1)] = 1;
        }
        PooledAttention att = pooled(m);
        HeadControlOptions controls = HeadControlOptions.DEFAULTS.withProximitySweep(List.of(2, 16));
        AnalysisOptions failing = OPTIONS.withNanHeadPolicy(NanHeadPolicy.FAIL);
        HeadControls.TraceControls t = HeadControls.ofTrace(att, failing, controls);
        assertEquals(1.0, t.recencyShare()[0], 1e-12);
        HeadRankingResult reference = HeadRanking.rank(List.of("a"), List.of(t.sweepKurtosis()[0]), LAYERS, HEADS,
                NanHeadPolicy.PROPAGATE, LayerZero.INCLUDE, 3);
        HeadControls.Result r = HeadControls.combine(List.of("a"), List.of(t), reference, failing, controls);
        // k = 16 leaves no receiving sentence in 9: every kurtosis is NaN, which FAIL refuses
        HeadControls.SweepPoint wide = r.sweep().get(1);
        assertTrue(wide.ranking().isEmpty());
        assertTrue(wide.notComputed().orElseThrow().contains("FAIL"), wide.notComputed().orElseThrow());
        assertFalse(r.sweep().get(0).notComputed().isPresent());
        assertTrue(Double.isNaN(wide.overlap()));
        HeadControls.Result propagating = HeadControls.combine(List.of("a"), List.of(t), reference, OPTIONS, controls);
        HeadControls.SweepPoint empty = propagating.sweep().get(1);
        assertTrue(empty.ranking().orElseThrow().topHeads().isEmpty());
        assertTrue(Double.isNaN(empty.overlap()));
        assertTrue(empty.notComputed().orElseThrow().contains("no head"));
    }
}
