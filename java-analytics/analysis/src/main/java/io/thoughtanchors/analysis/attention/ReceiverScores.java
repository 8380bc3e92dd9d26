package io.thoughtanchors.analysis.attention;

import java.util.Arrays;
import java.util.List;

/** Receiver-head score per sentence: the mean of the selected heads' vertical scores (docs/algorithms.md §7). */
public final class ReceiverScores {
    private ReceiverScores() {
    }

    /**
     * @param scores   vertical scores of one trace, indexed by flat head index {@code l·H + h}
     * @param tailNaN  PAPER-ERA Fig. 5 sets the last 8 sentences to NaN; 0 = none
     */
    public static double[] compute(double[][] scores, int headsPerLayer, List<Head> selected, HeadAggregate aggregate,
                                   int tailNaN) {
        int n = scores.length == 0 ? 0 : scores[0].length;
        double[] rho = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            int c = 0;
            for (Head h : selected) {
                double v = scores[h.flatIndex(headsPerLayer)][j];
                if (aggregate == HeadAggregate.NANMEAN && Double.isNaN(v)) {
                    continue;
                }
                s += v;
                c++;
            }
            rho[j] = c == 0 ? Double.NaN : s / c;
        }
        Arrays.fill(rho, Math.max(0, n - tailNaN), n, Double.NaN);
        return rho;
    }
}
