package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.stats.Kurtosis;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-segmentation null against a direct computation from token-level attention: segment means taken token by
 * token (no prefix sums), every distinct ordering of the sentence lengths enumerated (docs/algorithms.md §6.4).
 */
class SegmentationNullTest {
    static final double TOL = 1e-5;
    static final VerticalScoreOptions K1 = VerticalScoreOptions.head().withProximityIgnore(1);

    /** Causal token attention, rows summing to 1, one matrix per head. */
    static double[][][] tokenAttention(int heads, int tokens, long seed) {
        Random random = new Random(seed);
        double[][][] a = new double[heads][tokens][tokens];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tokens; i++) {
                double s = 0;
                for (int j = 0; j <= i; j++) {
                    // Spiky weights so that kurtosis differs between segmentations.
                    a[h][i][j] = Math.pow(random.nextDouble(), 4);
                    s += a[h][i][j];
                }
                for (int j = 0; j <= i; j++) {
                    a[h][i][j] /= s;
                }
            }
        }
        return a;
    }

    /** Block means of {@code a} over consecutive blocks of the given token lengths, every cell, token by token. */
    static double[][] blockMeans(double[][] a, int[] lengths) {
        int n = lengths.length;
        int[] start = new int[n + 1];
        for (int s = 0; s < n; s++) {
            start[s + 1] = start[s] + lengths[s];
        }
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = start[i]; r < start[i + 1]; r++) {
                    for (int c = start[j]; c < start[j + 1]; c++) {
                        s += a[r][c];
                    }
                }
                m[i][j] = s / (lengths[i] * lengths[j]);
            }
        }
        return m;
    }

    static double directKurtosis(double[][] tokens, int[] sentenceTokens) {
        return Kurtosis.excess(VerticalScores.of(blockMeans(tokens, sentenceTokens), K1));
    }

    static PooledAttention pooled(double[][][] perHead) {
        int heads = perHead.length;
        int n = perHead[0].length;
        float[] data = new float[heads * n * n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    data[(h * n + i) * n + j] = (float) perHead[h][i][j];
                }
            }
        }
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        return new PooledAttention(1, heads, RegionLayout.SENTENCES, labels, data);
    }

    static void permutations(int[] x, int from, List<int[]> out) {
        if (from == x.length) {
            out.add(x.clone());
            return;
        }
        for (int i = from; i < x.length; i++) {
            int t = x[from]; x[from] = x[i]; x[i] = t;
            permutations(x, from + 1, out);
            t = x[from]; x[from] = x[i]; x[i] = t;
        }
    }

    static final int[] LENGTHS = {2, 3, 1, 4, 2};
    static final int TOKENS = 12;

    static SegmentationNullOptions options(int perms, long seed) {
        return new SegmentationNullOptions(perms, seed, K1, 0);
    }

    @Test
    void observedAndEverySampleMatchADirectComputation() {
        double[][][] a = tokenAttention(2, TOKENS, 7);
        SegmentationNull.Result r = SegmentationNull.run(
                List.of(SegmentationNull.FineTrace.tokens(pooled(a), LENGTHS)), options(60, 3));
        List<int[]> orders = new ArrayList<>();
        permutations(LENGTHS.clone(), 0, orders);
        for (int h = 0; h < 2; h++) {
            double[][] head = a[h];
            assertEquals(directKurtosis(head, LENGTHS), r.observed()[h], TOL);
            double[] possible = orders.stream().mapToDouble(o -> directKurtosis(head, o)).toArray();
            for (double s : r.nullSamples()[h]) {
                assertTrue(Arrays.stream(possible).anyMatch(v -> Math.abs(v - s) < TOL),
                        "sample " + s + " is the kurtosis of no ordering of the sentence lengths");
            }
            // 60 draws from 60 distinct orderings (5! = 120, some lengths equal) cannot all be one value.
            assertTrue(Arrays.stream(r.nullSamples()[h]).distinct().count() > 5);
        }
    }

    @Test
    void coarserFineBlocksAreWeightedByTheirTokens() {
        double[][][] a = tokenAttention(1, 18, 11);
        // Fine blocks of 2, 1, 2, 1, 4, 2, 1, 3, 2 tokens; sentences of 1, 2, 2, 1, 2, 1 blocks = 2, 3, 5, 2, 4, 2
        // tokens. (At least four scored sentences: the kurtosis of three values is always −1.5.)
        int[] blockTokens = {2, 1, 2, 1, 4, 2, 1, 3, 2};
        int[] sentenceBlocks = {1, 2, 2, 1, 2, 1};
        PooledAttention fine = pooled(new double[][][] {blockMeans(a[0], blockTokens)});
        SegmentationNull.Result r = SegmentationNull.run(
                List.of(new SegmentationNull.FineTrace(fine, blockTokens, sentenceBlocks)), options(5, 1));
        assertEquals(directKurtosis(a[0], new int[] {2, 3, 5, 2, 4, 2}), r.observed()[0], TOL);
    }

    @Test
    void severalTracesAverageTheirKurtosis() {
        double[][][] a = tokenAttention(1, TOKENS, 5);
        double[][][] b = tokenAttention(1, 9, 6);
        int[] bLengths = {3, 1, 2, 2, 1};
        SegmentationNull.Result r = SegmentationNull.run(List.of(
                SegmentationNull.FineTrace.tokens(pooled(a), LENGTHS),
                SegmentationNull.FineTrace.tokens(pooled(b), bLengths)), options(10, 2));
        assertEquals((directKurtosis(a[0], LENGTHS) + directKurtosis(b[0], bLengths)) / 2, r.observed()[0], TOL);
    }

    @Test
    void statisticsFollowFromTheSamples() {
        double[][][] a = tokenAttention(3, TOKENS, 9);
        int perms = 40;
        SegmentationNull.Result r = SegmentationNull.run(
                List.of(SegmentationNull.FineTrace.tokens(pooled(a), LENGTHS)), options(perms, 4));
        for (int h = 0; h < 3; h++) {
            double[] s = r.nullSamples()[h];
            assertEquals(perms, s.length);
            double mean = Arrays.stream(s).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(s).map(v -> (v - mean) * (v - mean)).sum() / (perms - 1));
            double observed = r.observed()[h];
            long atLeast = Arrays.stream(s).filter(v -> v >= observed).count();
            assertEquals(mean, r.nullMean()[h], 1e-12);
            assertEquals(sd, r.nullSd()[h], 1e-12);
            assertEquals((r.observed()[h] - mean) / sd, r.z()[h], 1e-9);
            assertEquals((1.0 + atLeast) / (1 + perms), r.p()[h], 1e-12);
            assertTrue(r.p()[h] >= 1.0 / (perms + 1) && r.p()[h] <= 1.0);
        }
    }

    @Test
    void pValueBounds() {
        assertEquals(1.0 / 5, SegmentationNull.pValue(new double[] {0, 1, 2, 3}, 10));
        assertEquals(1.0, SegmentationNull.pValue(new double[] {0, 1, 2, 3}, -1));
        assertEquals(3.0 / 5, SegmentationNull.pValue(new double[] {0, 1, 2, Double.NaN}, 1));
    }

    @Test
    void sameSeedSameNullOtherSeedOtherNull() {
        List<SegmentationNull.FineTrace> t = List.of(
                SegmentationNull.FineTrace.tokens(pooled(tokenAttention(2, TOKENS, 8)), LENGTHS));
        SegmentationNull.Result x = SegmentationNull.run(t, options(30, 42));
        SegmentationNull.Result y = SegmentationNull.run(t, options(30, 42));
        SegmentationNull.Result z = SegmentationNull.run(t, options(30, 43));
        for (int h = 0; h < 2; h++) {
            assertArrayEquals(x.nullSamples()[h], y.nullSamples()[h]);
            assertFalse(Arrays.equals(x.nullSamples()[h], z.nullSamples()[h]));
        }
        assertArrayEquals(x.p(), y.p());
    }

    @Test
    void segmentsAreAShuffleOfTheSentenceLengths() {
        int[] sorted = LENGTHS.clone();
        Arrays.sort(sorted);
        for (int[][] perm : SegmentationNull.shuffledSegments(List.of(LENGTHS), 50, 0)) {
            int[] s = perm[0].clone();
            Arrays.sort(s);
            assertArrayEquals(sorted, s);
        }
    }

    @Test
    void badInputIsRefusedWithAReason() {
        PooledAttention tokens = pooled(tokenAttention(1, TOKENS, 1));
        IllegalArgumentException cover = assertThrows(IllegalArgumentException.class,
                () -> SegmentationNull.FineTrace.tokens(tokens, new int[] {2, 3}));
        assertTrue(cover.getMessage().contains("cover 5"));
        tokens.data()[3] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> SegmentationNull.run(
                List.of(SegmentationNull.FineTrace.tokens(tokens, LENGTHS)), options(2, 0)));
        assertTrue(nan.getMessage().contains("NaN"));
        assertThrows(IllegalArgumentException.class, () -> options(0, 0));
    }

    @Test
    void tracesAddedOneAtATimeInAnyOrderGiveTheNullOfAllAtOnce() {
        final int heads = 24;
        int[][] lengths = {{12, 3, 9, 7, 15, 4, 10, 8, 6, 11, 5, 10}, {20, 5, 5, 30, 10, 10, 10, 5, 5}};
        List<double[][][]> tokens = List.of(tokenAttention(heads, 100, 5), tokenAttention(heads, 100, 6));
        List<SegmentationNull.FineTrace> t = List.of(
                SegmentationNull.FineTrace.tokens(pooled(tokens.get(0)), lengths[0]),
                SegmentationNull.FineTrace.tokens(pooled(tokens.get(1)), lengths[1]));
        SegmentationNull.Result all = SegmentationNull.run(t, options(40, 9));
        SegmentationNull.Accumulator streamed = new SegmentationNull.Accumulator(
                t.stream().map(SegmentationNull.FineTrace::sentenceBlocks).toList(), 1, heads, options(40, 9));
        for (int r = t.size() - 1; r >= 0; r--) {
            streamed.add(r, t.get(r), 4);  // heads on 4 threads: each needs its own scratch buffers
        }
        SegmentationNull.Result one = streamed.result();
        for (int f = 0; f < heads; f++) {
            double direct = (directKurtosis(tokens.get(0)[f], lengths[0]) + directKurtosis(tokens.get(1)[f],
                    lengths[1])) / 2;
            assertEquals(direct, one.observed()[f], TOL, "head " + f);
            assertEquals(all.observed()[f], one.observed()[f], 1e-12);
            assertEquals(all.p()[f], one.p()[f], 1e-12);
            assertArrayEquals(all.nullSamples()[f], one.nullSamples()[f], 1e-12);
        }
        SegmentationNull.Accumulator partial = new SegmentationNull.Accumulator(
                t.stream().map(SegmentationNull.FineTrace::sentenceBlocks).toList(), 1, heads, options(40, 9));
        partial.add(0, t.get(0), 1);
        assertThrows(IllegalArgumentException.class, () -> partial.add(0, t.get(0), 1));
        assertThrows(IllegalArgumentException.class, () -> partial.add(1, t.get(0), 1));
        assertThrows(IllegalStateException.class, partial::result);
    }
}
