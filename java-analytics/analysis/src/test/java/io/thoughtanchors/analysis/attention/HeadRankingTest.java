package io.thoughtanchors.analysis.attention;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadRankingTest {
    static final double NaN = Double.NaN;

    @Test
    void meanOverTracesTopKWithTiesByFlatIndex() {
        // 2 layers × 3 heads
        List<double[]> k = List.of(new double[] {9, 1, 2, 3, 5, 5}, new double[] {9, 1, 2, 3, 5, 5});
        HeadRankingResult r = HeadRanking.rank(List.of("a", "b"), k, 2, 3, NanHeadPolicy.PROPAGATE, LayerZero.EXCLUDE, 2);
        assertEquals(List.of(new Head(1, 1), new Head(1, 2)), r.topHeads());
        assertTrue(Double.isNaN(r.meanKurtosis()[0]));
        HeadRankingResult incl = HeadRanking.rank(List.of("a", "b"), k, 2, 3, NanHeadPolicy.PROPAGATE, LayerZero.INCLUDE, 2);
        assertEquals(List.of(new Head(0, 0), new Head(1, 1)), incl.topHeads());
    }

    @Test
    void propagateExcludesHeadsWithANaNAndReducesK() {
        List<double[]> k = List.of(new double[] {0, 0, 1, NaN}, new double[] {0, 0, 3, 4});
        HeadRankingResult r = HeadRanking.rank(List.of("a", "b"), k, 2, 2, NanHeadPolicy.PROPAGATE, LayerZero.EXCLUDE, 5);
        assertEquals(List.of(new Head(1, 0)), r.topHeads());
        assertEquals(2.0, r.meanKurtosis(new Head(1, 0)), 0);
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("from 5 to 1"));
    }

    @Test
    void failNamesTraceLayerAndHead() {
        List<double[]> k = List.of(new double[] {0, 0, 1, 2}, new double[] {0, 0, 3, NaN});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HeadRanking.rank(List.of("m/correct/1", "m/incorrect/1"), k, 2, 2, NanHeadPolicy.FAIL, LayerZero.EXCLUDE, 1));
        assertTrue(e.getMessage().contains("m/incorrect/1") && e.getMessage().contains("layer 1 head 1"), e.getMessage());
        // a NaN in layer 0 is fine when layer 0 is excluded
        List<double[]> k0 = List.of(new double[] {NaN, 0, 1, 2});
        assertEquals(1, HeadRanking.rank(List.of("x"), k0, 2, 2, NanHeadPolicy.FAIL, LayerZero.EXCLUDE, 1).topHeads().size());
        // ... and when it is included (the reference profile): the NaN head drops out of the ranking instead
        HeadRankingResult included = HeadRanking.rank(List.of("x"), k0, 2, 2, NanHeadPolicy.FAIL, LayerZero.INCLUDE, 4);
        assertEquals(List.of(new Head(1, 1), new Head(1, 0), new Head(0, 1)), included.topHeads());
    }

    @Test
    void paperPolicySkipsMostlyNaNTraces() {
        List<double[]> k = new ArrayList<>();
        k.add(new double[] {1, 1, 2, 4});
        k.add(new double[] {NaN, NaN, NaN, 0});
        HeadRankingResult r = HeadRanking.rank(List.of("good", "bad"), k, 2, 2, NanHeadPolicy.SKIP_TRACES_OVER_HALF_NAN, LayerZero.EXCLUDE, 1);
        assertEquals(List.of("bad"), r.skippedTraces());
        assertEquals(List.of(new Head(1, 1)), r.topHeads());
        assertEquals(4.0, r.meanKurtosis(new Head(1, 1)), 0);
    }
}
