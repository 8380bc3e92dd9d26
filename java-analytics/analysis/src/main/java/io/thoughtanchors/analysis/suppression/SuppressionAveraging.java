package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Averages of (row-normalised) suppression matrices over traces (docs/algorithms.md §12.7). <b>No author code exists for this</b>:
 * Figure 6 shows a single trace and the ARENA suggestion to "average the row-normalised matrices" does not say how
 * to combine matrices of different sizes (docs/algorithms.md §12.7). The choices are therefore named options; nothing here is a
 * reference procedure. Inputs are {@code Ẽ[i][j]}, row = receiving sentence {@code i}, column = suppressed
 * sentence {@code j}; only cells with {@code j < i} and a non-NaN value are used.
 */
public final class SuppressionAveraging {
    private SuppressionAveraging() {
    }

    /** How the entries at one sentence distance are pooled across traces (no reference: an open choice). */
    public enum DistancePooling {
        /** Every (trace, i, j) entry weighs the same; SE over entries. Long traces dominate. */
        POOL_ENTRIES,
        /** Mean per trace first, then the mean of those means (each trace weighs the same); SE over traces. */
        MEAN_OF_TRACE_MEANS
    }

    /** A trace's matrix and the category (function tag) of each of its sentences. */
    public record TraceMatrix(String traceId, double[][] matrix, List<String> tags) {
        public TraceMatrix {
            tags = List.copyOf(tags);
            if (tags.size() != matrix.length) {
                throw new IllegalArgumentException(traceId + ": " + matrix.length + " sentences but " + tags.size() + " tags");
            }
        }
    }

    /**
     * Curve over sentence distance {@code d = i − j}; index {@code k} holds {@code d = k + 1}.
     *
     * @param mean        pooled mean per distance (NaN where nothing was available)
     * @param standardError sample SD (ddof 1) / √count of the pooled units: entries for
     *                    {@link DistancePooling#POOL_ENTRIES}, trace means for
     *                    {@link DistancePooling#MEAN_OF_TRACE_MEANS}; NaN with fewer than 2 units
     * @param entries     number of non-NaN entries at that distance, all traces together
     * @param traces      number of traces with at least one entry at that distance
     */
    public record DistanceCurve(DistancePooling pooling, int[] distance, double[] mean, double[] standardError,
                                int[] entries, int[] traces) {
        public int size() {
            return distance.length;
        }
    }

    /** Mean suppression effect by sentence distance, pooled over traces (docs/algorithms.md §12.7). */
    public static DistanceCurve byDistance(List<double[][]> matrices, DistancePooling pooling) {
        int maxD = 0;
        for (double[][] m : matrices) {
            maxD = Math.max(maxD, m.length - 1);
        }
        // per distance: entry values (POOL_ENTRIES) or trace means (MEAN_OF_TRACE_MEANS)
        List<List<Double>> units = new ArrayList<>(maxD);
        for (int d = 0; d < maxD; d++) {
            units.add(new ArrayList<>());
        }
        int[] entries = new int[maxD];
        int[] traces = new int[maxD];
        for (double[][] m : matrices) {
            int n = m.length;
            for (int d = 1; d < n; d++) {
                double sum = 0;
                int cnt = 0;
                for (int i = d; i < n; i++) {
                    double v = m[i][i - d];
                    if (!Double.isNaN(v)) {
                        sum += v;
                        cnt++;
                        if (pooling == DistancePooling.POOL_ENTRIES) {
                            units.get(d - 1).add(v);
                        }
                    }
                }
                entries[d - 1] += cnt;
                if (cnt > 0) {
                    traces[d - 1]++;
                    if (pooling == DistancePooling.MEAN_OF_TRACE_MEANS) {
                        units.get(d - 1).add(sum / cnt);
                    }
                }
            }
        }
        int[] distance = new int[maxD];
        double[] mean = new double[maxD];
        double[] se = new double[maxD];
        for (int d = 0; d < maxD; d++) {
            distance[d] = d + 1;
            double[] u = units.get(d).stream().mapToDouble(Double::doubleValue).toArray();
            mean[d] = NanStats.nanMean(u);
            se[d] = standardError(u);
        }
        return new DistanceCurve(pooling, distance, mean, se, entries, traces);
    }

    /** Receiving × suppressed category pair. */
    public record CategoryPair(String receiving, String suppressed) {
    }

    /**
     * One category pair across traces.
     *
     * @param perTrace      trace id → that trace's aggregate (only traces that have the pair)
     * @param mean          mean of the per-trace aggregates
     * @param standardError sample SD (ddof 1) of the per-trace aggregates / √traces (NaN with fewer than 2)
     */
    public record PairStat(CategoryPair pair, Map<String, Double> perTrace, double mean, double standardError) {
        public int traces() {
            return perTrace.size();
        }
    }

    /**
     * Per (receiving tag, suppressed tag) pair: per-trace aggregate (mean or median) of {@code Ẽ[i][j]} over cells
     * with {@code j < i} whose sentences carry those tags, keeping a trace only if it has at least
     * {@code minEntries} such cells; then the mean across traces (docs/algorithms.md §12.7, the per-trace-then-across-traces scheme
     * used for Figure 5, docs/algorithms.md §9). Pairs are returned in order of first appearance.
     */
    public static Map<CategoryPair, PairStat> byCategoryPair(List<TraceMatrix> traces, CategoryAggregate aggregate,
                                                             int minEntries) {
        if (minEntries < 1) {
            throw new IllegalArgumentException("minEntries must be >= 1, got " + minEntries);
        }
        Map<CategoryPair, Map<String, Double>> perTrace = new LinkedHashMap<>();
        for (TraceMatrix t : traces) {
            Map<CategoryPair, List<Double>> cells = new LinkedHashMap<>();
            double[][] m = t.matrix();
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < i; j++) {
                    double v = m[i][j];
                    if (!Double.isNaN(v)) {
                        cells.computeIfAbsent(new CategoryPair(t.tags().get(i), t.tags().get(j)), k -> new ArrayList<>())
                                .add(v);
                    }
                }
            }
            cells.forEach((pair, values) -> {
                if (values.size() >= minEntries) {
                    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
                    double agg = aggregate == CategoryAggregate.MEAN ? NanStats.nanMean(v) : NanStats.nanMedian(v);
                    Map<String, Double> byTrace = perTrace.computeIfAbsent(pair, k -> new TreeMap<>());
                    if (byTrace.put(t.traceId(), agg) != null) {
                        throw new IllegalArgumentException("trace id " + t.traceId() + " appears twice");
                    }
                }
            });
        }
        Map<CategoryPair, PairStat> out = new LinkedHashMap<>();
        perTrace.forEach((pair, byTrace) -> {
            double[] v = byTrace.values().stream().mapToDouble(Double::doubleValue).toArray();
            out.put(pair, new PairStat(pair, Collections.unmodifiableMap(byTrace), NanStats.nanMean(v), standardError(v)));
        });
        return out;
    }

    /** Sample SD (ddof 1) / √n; NaN for n < 2. */
    static double standardError(double[] v) {
        return v.length < 2 ? Double.NaN : NanStats.stdSample(v) / Math.sqrt(v.length);
    }
}
