package io.thoughtanchors.analysis.suppression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Each cell of the suppression matrix against its placebo distribution (docs/algorithms.md §12.9): for a receiving
 * sentence {@code i} after the suppressed sentence {@code j}, the real value {@code E[i][j]} beside the values
 * {@code P_r[i][j]} of sentence j's placebo spans, computed exactly like {@code E} from their own passes.
 *
 * <p>Per cell: the mean and standard deviation (ddof 1) of its placebo values, {@code difference = real − mean}, the
 * {@code ratio} ({@code exp(difference)} when the matrix averages {@code ln(κ + 1e-9)}, whose difference is a log
 * ratio; {@code real / mean} otherwise), {@code below} = how many placebo values are strictly below the real one,
 * and with at least {@link #MIN_DRAWS_FOR_P} placebos the one-sided empirical
 * {@code p = (1 + #{P_r ≥ real}) / (k + 1)}. A cell whose receiving sentence overlaps a placebo span (never with
 * ordered sentences) leaves that placebo out.
 */
public final class PlaceboComparison {

    /** Fewest placebos for an empirical p-value: with 19 the smallest attainable p is 1/20 = 0.05. */
    public static final int MIN_DRAWS_FOR_P = 19;

    /** One cell {@code (i, j)}, {@code i > j}, with at least one placebo value. */
    public record Cell(int receiving, int suppressed, double real, double placeboMean, double placeboSd, int draws,
                       double difference, double ratio, int below, double pEmpirical) {

        public boolean above() {
            return real > placeboMean;
        }
    }

    /** Over the cells: their number, the share whose real value exceeds its placebo mean, the medians. */
    public record Summary(int cells, double shareAbove, double medianRatio, double medianDifference) {
    }

    private PlaceboComparison() {
    }

    /**
     * @param real     E, n×n (row = receiving, column = suppressed)
     * @param placebo  the placebo matrices computed from each span's pass: {@code placebo.get(s)[i]} is span s's
     *                 value for receiving sentence i
     * @param spans    the spans, {@code spans.get(s)} the one of {@code placebo.get(s)}
     * @param start    sentence starts, to leave out a placebo that overlaps its receiving sentence
     * @param end      sentence ends
     * @param takeLog  whether E averages {@code ln(κ + 1e-9)} (then the ratio is {@code exp(difference)})
     * @return the cells {@code i > j} whose real value and at least one placebo value are not NaN, by row then column
     */
    public static List<Cell> cells(double[][] real, List<double[]> placebo, List<PlaceboSpans.Span> spans,
                                   int[] start, int[] end, boolean takeLog) {
        if (placebo.size() != spans.size()) {
            throw new IllegalArgumentException(placebo.size() + " placebo columns for " + spans.size() + " spans");
        }
        int n = real.length;
        List<List<Integer>> bySentence = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            bySentence.add(new ArrayList<>());
        }
        for (int s = 0; s < spans.size(); s++) {
            bySentence.get(spans.get(s).sentence()).add(s);
        }
        List<Cell> cells = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double r = real[i][j];
                if (Double.isNaN(r)) {
                    continue;
                }
                double[] values = new double[bySentence.get(j).size()];
                int k = 0;
                for (int s : bySentence.get(j)) {
                    PlaceboSpans.Span span = spans.get(s);
                    double v = placebo.get(s)[i];
                    boolean overlaps = span.start() < end[i] && start[i] < span.end();
                    if (!Double.isNaN(v) && !overlaps) {
                        values[k++] = v;
                    }
                }
                if (k > 0) {
                    cells.add(cell(i, j, r, Arrays.copyOf(values, k), takeLog));
                }
            }
        }
        return cells;
    }

    static Cell cell(int i, int j, double real, double[] values, boolean takeLog) {
        int k = values.length;
        double mean = Arrays.stream(values).sum() / k;
        double sd = Double.NaN;
        if (k > 1) {
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            sd = Math.sqrt(ss / (k - 1));
        }
        int below = 0;
        int atOrAbove = 0;
        for (double v : values) {
            if (v < real) {
                below++;
            } else {
                atOrAbove++;
            }
        }
        double difference = real - mean;
        double ratio = takeLog ? Math.exp(difference) : real / mean;
        double p = k >= MIN_DRAWS_FOR_P ? (1.0 + atOrAbove) / (k + 1.0) : Double.NaN;
        return new Cell(i, j, real, mean, sd, k, difference, ratio, below, p);
    }

    /** The summary of some cells (NaN medians and share when there are none). */
    public static Summary summary(List<Cell> cells) {
        if (cells.isEmpty()) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN);
        }
        long above = cells.stream().filter(Cell::above).count();
        return new Summary(cells.size(), (double) above / cells.size(),
                median(cells.stream().mapToDouble(Cell::ratio).toArray()),
                median(cells.stream().mapToDouble(Cell::difference).toArray()));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
