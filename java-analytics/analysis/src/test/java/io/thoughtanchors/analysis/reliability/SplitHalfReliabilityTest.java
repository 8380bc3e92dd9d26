package io.thoughtanchors.analysis.reliability;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SplitHalfReliabilityTest {
    static final double NaN = Double.NaN;
    // 3 layers × 2 heads; layer 0 must be ignored
    static final double[] BASE = {100, -100, 1, 2, 3, 5};
    static final List<Integer> PROBLEMS = List.of(1, 2, 3, 1, 2, 3); // correct traces, then incorrect ones

    static List<double[]> kurtosis(double[] offsets) {
        List<double[]> k = new ArrayList<>();
        for (double o : offsets) {
            double[] x = BASE.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] += o;
            }
            k.add(x);
        }
        return k;
    }

    @Test
    void alternatingSplitUsesEvenAndOddTraces() {
        ReliabilityResult r = SplitHalfReliability.evaluate(PROBLEMS, kurtosis(new double[] {0, 1, 0, 1, 0, 1}), 2, SplitMode.ALTERNATING);
        assertArrayEquals(new double[] {NaN, NaN, 1, 2, 3, 5}, r.firstHalf(), 1e-15);
        assertArrayEquals(new double[] {NaN, NaN, 2, 3, 4, 6}, r.secondHalf(), 1e-15);
        assertEquals(1.0, r.pearson().r(), 1e-12);
        assertEquals(1.0, r.spearman().r(), 1e-12);
        assertEquals(4, r.pearson().n());
        assertEquals(3, r.tracesFirst());
    }

    @Test
    void problemSplitKeepsBothTracesOfAProblemTogether() {
        // problems 1 and 3 (traces 0, 2, 3, 5) form the first half
        ReliabilityResult r = SplitHalfReliability.evaluate(PROBLEMS, kurtosis(new double[] {0, 10, 2, 4, 20, 6}), 2, SplitMode.BY_PROBLEM);
        assertEquals(4, r.tracesFirst());
        assertEquals(1 + 3.0, r.firstHalf()[2], 1e-12);
        assertEquals(1 + 15.0, r.secondHalf()[2], 1e-12);
    }

    @Test
    void headsWithNaNOnEitherSideAreLeftOut() {
        List<double[]> k = kurtosis(new double[] {0, 1, 0, 1, 0, 1});
        k.get(1)[5] = NaN;
        ReliabilityResult r = SplitHalfReliability.evaluate(PROBLEMS, k, 2, SplitMode.ALTERNATING);
        assertEquals(3, r.pearson().n());
        assertEquals(1.0, r.pearson().r(), 1e-12);
    }
}
