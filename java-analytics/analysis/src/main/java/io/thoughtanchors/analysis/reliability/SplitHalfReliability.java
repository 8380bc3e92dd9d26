package io.thoughtanchors.analysis.reliability;

import io.thoughtanchors.analysis.stats.Correlation;

import java.util.List;
import java.util.TreeSet;

/** Split-half reliability of receiver-head kurtosis (docs/algorithms.md §8). */
public final class SplitHalfReliability {
    private SplitHalfReliability() {
    }

    /**
     * @param problemIds per trace, used by {@link SplitMode#BY_PROBLEM}
     * @param kurtosis   per trace, flat {@code [layers·heads]}; layer 0 is ignored
     */
    public static ReliabilityResult evaluate(List<Integer> problemIds, List<double[]> kurtosis, int heads, SplitMode mode) {
        int traces = kurtosis.size();
        boolean[] first = new boolean[traces];
        if (mode == SplitMode.ALTERNATING) {
            for (int r = 0; r < traces; r++) {
                first[r] = r % 2 == 0;
            }
        } else {
            List<Integer> problems = List.copyOf(new TreeSet<>(problemIds));
            for (int r = 0; r < traces; r++) {
                first[r] = problems.indexOf(problemIds.get(r)) % 2 == 0;
            }
        }
        int size = kurtosis.isEmpty() ? 0 : kurtosis.get(0).length;
        double[] x = new double[size];
        double[] y = new double[size];
        int nFirst = 0;
        for (boolean f : first) {
            nFirst += f ? 1 : 0;
        }
        for (int h = 0; h < size; h++) {
            if (h < heads) {
                x[h] = Double.NaN;
                y[h] = Double.NaN;
                continue;
            }
            double sx = 0;
            double sy = 0;
            for (int r = 0; r < traces; r++) {
                if (first[r]) {
                    sx += kurtosis.get(r)[h];
                } else {
                    sy += kurtosis.get(r)[h];
                }
            }
            x[h] = nFirst == 0 ? Double.NaN : sx / nFirst;
            y[h] = traces - nFirst == 0 ? Double.NaN : sy / (traces - nFirst);
        }
        return new ReliabilityResult(mode, nFirst, traces - nFirst, Correlation.pearson(x, y), Correlation.spearman(x, y), x, y);
    }
}
