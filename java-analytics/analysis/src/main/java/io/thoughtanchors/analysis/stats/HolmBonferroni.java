package io.thoughtanchors.analysis.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down adjustment of a family of p-values (docs/algorithms.md §15): with the {@code m} finite p-values
 * sorted ascending, {@code p_holm(i) = max over j ≤ i of min(1, (m − j + 1) · p(j))}. NaN p-values are not part of
 * the family (they do not count in {@code m}) and stay NaN.
 */
public final class HolmBonferroni {
    private HolmBonferroni() {
    }

    /** Adjusted p-values, in the order of {@code p}. */
    public static double[] adjust(double[] p) {
        double[] adjusted = new double[p.length];
        Arrays.fill(adjusted, Double.NaN);
        Integer[] order = IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
                .sorted(Comparator.comparingDouble(i -> p[i])).toArray(Integer[]::new);
        int m = order.length;
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            // Taking the running maximum keeps the adjusted values in the order of the raw ones.
            running = Math.max(running, Math.min(1.0, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }
        return adjusted;
    }
}
