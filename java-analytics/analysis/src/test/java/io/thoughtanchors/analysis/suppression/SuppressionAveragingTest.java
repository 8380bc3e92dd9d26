package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.suppression.SuppressionAveraging.CategoryPair;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistanceCurve;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.PairStat;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.TraceMatrix;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Averaging over traces (docs/algorithms.md §12.7) on two hand-made traces; values are small exact decimals, tolerance 1e-12. */
class SuppressionAveragingTest {
    static final double N = Double.NaN;
    static final double[][] A = {
            {N, N, N},
            {1, N, N},
            {2, 4, N}};
    static final double[][] B = {
            {N, N, N, N},
            {10, N, N, N},
            {5, 20, N, N},
            {7, N, 30, N}};

    @Test
    void distancePoolingOfEntries() {
        DistanceCurve c = SuppressionAveraging.byDistance(List.of(A, B), DistancePooling.POOL_ENTRIES);
        assertArrayEquals(new int[]{1, 2, 3}, c.distance());
        assertArrayEquals(new double[]{13, 3.5, 7}, c.mean(), 1e-12);
        assertArrayEquals(new int[]{5, 2, 1}, c.entries());
        assertArrayEquals(new int[]{2, 2, 1}, c.traces());
        assertEquals(Math.sqrt(143.0 / 5), c.standardError()[0], 1e-12); // sample var of {1,4,10,20,30} = 572/4
        assertEquals(1.5, c.standardError()[1], 1e-12);
        assertTrue(Double.isNaN(c.standardError()[2]));
    }

    @Test
    void distanceMeanOfTraceMeans() {
        DistanceCurve c = SuppressionAveraging.byDistance(List.of(A, B), DistancePooling.MEAN_OF_TRACE_MEANS);
        assertArrayEquals(new double[]{(2.5 + 20) / 2, 3.5, 7}, c.mean(), 1e-12);
        assertEquals(8.75, c.standardError()[0], 1e-12);
        assertArrayEquals(new int[]{5, 2, 1}, c.entries());
    }

    @Test
    void categoryPairsPerTraceThenAcross() {
        List<TraceMatrix> traces = List.of(new TraceMatrix("A", A, List.of("x", "y", "y")),
                new TraceMatrix("B", B, List.of("x", "x", "y", "y")));
        Map<CategoryPair, PairStat> s = SuppressionAveraging.byCategoryPair(traces, CategoryAggregate.MEAN, 1);
        PairStat yx = s.get(new CategoryPair("y", "x"));
        assertEquals(1.5, yx.perTrace().get("A"), 1e-12);
        assertEquals(32.0 / 3, yx.perTrace().get("B"), 1e-12);
        assertEquals((1.5 + 32.0 / 3) / 2, yx.mean(), 1e-12);
        assertEquals((32.0 / 3 - 1.5) / 2, yx.standardError(), 1e-12);
        assertEquals(17, s.get(new CategoryPair("y", "y")).mean(), 1e-12);
        PairStat xx = s.get(new CategoryPair("x", "x"));
        assertEquals(1, xx.traces());
        assertTrue(Double.isNaN(xx.standardError()));
        assertEquals(3, s.size());

        Map<CategoryPair, PairStat> strict = SuppressionAveraging.byCategoryPair(traces, CategoryAggregate.MEDIAN, 2);
        assertEquals(1, strict.size());
        assertEquals((1.5 + 7) / 2, strict.get(new CategoryPair("y", "x")).mean(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new TraceMatrix("C", A, List.of("x")));
    }
}
