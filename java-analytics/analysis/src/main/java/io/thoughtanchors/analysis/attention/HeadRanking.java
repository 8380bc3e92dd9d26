package io.thoughtanchors.analysis.attention;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Averages per-trace kurtosis over traces and selects the top-k receiver heads (docs/algorithms.md §6.2–6.3). */
public final class HeadRanking {
    private HeadRanking() {
    }

    /**
     * @param traceIds per-trace labels used in messages
     * @param kurtosis per trace, flat {@code [layers·heads]} kurtosis
     */
    public static HeadRankingResult rank(List<String> traceIds, List<double[]> kurtosis, int layers, int heads,
                                         NanHeadPolicy policy, LayerZero layerZero, int topK) {
        int size = layers * heads;
        int firstHead = layerZero == LayerZero.EXCLUDE ? heads : 0;
        List<String> skipped = new ArrayList<>();
        List<double[]> used = new ArrayList<>();
        for (int r = 0; r < kurtosis.size(); r++) {
            double[] k = kurtosis.get(r);
            if (k.length != size) {
                throw new IllegalArgumentException(traceIds.get(r) + ": kurtosis has " + k.length + " heads, expected " + size);
            }
            if (policy == NanHeadPolicy.SKIP_TRACES_OVER_HALF_NAN && 2 * countNaN(k) > size) {
                skipped.add(traceIds.get(r));
                continue;
            }
            if (policy != NanHeadPolicy.PROPAGATE) {
                // Layers >= 1 only, whatever the layer-0 option: the reference asserts no NaN there, while an
                // included layer-0 head with a NaN just drops out of the ranking through the mean.
                for (int f = heads; f < size; f++) {
                    if (Double.isNaN(k[f])) {
                        throw new NanKurtosisException("NaN kurtosis in trace " + traceIds.get(r) + " at layer "
                                + f / heads + " head " + f % heads);
                    }
                }
            }
            used.add(k);
        }
        double[] mean = new double[size];
        Arrays.fill(mean, 0, firstHead, Double.NaN);
        for (int f = firstHead; f < size; f++) {
            double s = 0;
            for (double[] k : used) {
                s += k[f];
            }
            mean[f] = used.isEmpty() ? Double.NaN : s / used.size();
        }
        List<String> warnings = new ArrayList<>();
        List<Head> top = topK(mean, heads, topK, warnings);
        return new HeadRankingResult(layers, heads, mean, top, skipped, warnings);
    }

    /**
     * The {@code k} largest finite values by descending value, ties by ascending flat index; k is reduced to the
     * number of finite values with a warning.
     */
    public static List<Head> topK(double[] values, int headsPerLayer, int k, List<String> warnings) {
        int finite = 0;
        for (double v : values) {
            finite += Double.isNaN(v) ? 0 : 1;
        }
        if (finite < k) {
            warnings.add("top-k reduced from " + k + " to " + finite + " (only " + finite + " heads have a finite mean kurtosis)");
            k = finite;
        }
        // Runs once per analysis over L·H values: boxing here costs nothing measurable.
        Integer[] order = new Integer[finite];
        int c = 0;
        for (int f = 0; f < values.length; f++) {
            if (!Double.isNaN(values[f])) {
                order[c++] = f;
            }
        }
        Arrays.sort(order, (x, y) -> {
            int cmp = Double.compare(values[y], values[x]);
            return cmp != 0 ? cmp : Integer.compare(x, y);
        });
        List<Head> top = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            top.add(new Head(order[i] / headsPerLayer, order[i] % headsPerLayer));
        }
        return top;
    }

    private static int countNaN(double[] x) {
        int c = 0;
        for (double v : x) {
            c += Double.isNaN(v) ? 1 : 0;
        }
        return c;
    }
}
