package io.thoughtanchors.analysis.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recomputes {@code summary.json} from the step-importance matrix C (zeros on and below the diagonal, docs/algorithms.md §1.3):
 * averages over the full n×n matrix and the top sources/targets by positive mean outgoing/incoming importance.
 */
public record StepImportanceSummary(int numChunks, double avgImportance, double maxImportance, double minImportance,
                                    List<Step> topInfluential, List<Step> topDependent) {

    /** A step index with its mean outgoing (influential) or incoming (dependent) importance. */
    public record Step(int index, double average) {
    }

    public static final int TOP = 5;

    public static StepImportanceSummary of(double[][] c) {
        int n = c.length;
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : c) {
            for (double v : row) {
                sum += v;
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        List<Step> out = new ArrayList<>();
        List<Step> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i < n - 1) {
                double s = 0;
                for (int j = i + 1; j < n; j++) {
                    s += c[i][j];
                }
                out.add(new Step(i, s / (n - 1 - i)));
            }
            if (i > 0) {
                double s = 0;
                for (int r = 0; r < i; r++) {
                    s += c[r][i];
                }
                in.add(new Step(i, s / i));
            }
        }
        return new StepImportanceSummary(n, sum / ((double) n * n), max, min, top(out), top(in));
    }

    /** Positive averages only, largest first; ties keep ascending index (Python's stable sort). */
    private static List<Step> top(List<Step> steps) {
        return steps.stream().filter(s -> s.average() > 0)
                .sorted(Comparator.comparingDouble(Step::average).reversed())
                .limit(TOP).toList();
    }
}
