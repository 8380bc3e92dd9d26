package io.thoughtanchors.analysis.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of a mean over clustered values (docs/algorithms.md §15): the clusters, not the values, are
 * drawn with replacement, so values of one cluster always move together. Each resample draws as many clusters as
 * there are, uniformly with {@link SplittableRandom} seeded with the options' seed, and takes the mean of every value
 * of the drawn clusters (a cluster drawn twice counts twice). The interval is the type-7 quantiles
 * {@code (1 − level)/2} and {@code (1 + level)/2} of the resample means.
 */
public final class ClusterBootstrap {
    /** Fewer clusters than this: the interval is computed but flagged ({@link Interval#fewClusters()}). */
    public static final int FEW_CLUSTERS = 5;

    private ClusterBootstrap() {
    }

    /**
     * @param estimate      mean of the finite values
     * @param low           lower bound; NaN with fewer than 2 clusters (one cluster's resamples are all the same)
     * @param high          upper bound, likewise
     * @param values        finite values used
     * @param clusters      clusters holding them
     * @param resampleMeans the bootstrap distribution, in draw order (empty with fewer than 2 clusters)
     */
    public record Interval(double estimate, double low, double high, int values, int clusters, double[] resampleMeans) {
        public boolean fewClusters() {
            return clusters < FEW_CLUSTERS;
        }
    }

    /**
     * @param values  one value per unit; NaN values are left out (and a cluster left without values with them)
     * @param cluster each unit's cluster id
     */
    public static Interval mean(double[] values, int[] cluster, BootstrapOptions options) {
        if (values.length != cluster.length) {
            throw new IllegalArgumentException(values.length + " values but " + cluster.length + " cluster ids");
        }
        Map<Integer, Integer> index = new HashMap<>();
        double[] sum = new double[values.length];
        int[] count = new int[values.length];
        double total = 0;
        int used = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                continue;
            }
            int k = index.computeIfAbsent(cluster[i], c -> index.size());
            sum[k] += values[i];
            count[k]++;
            total += values[i];
            used++;
        }
        int clusters = index.size();
        double estimate = used == 0 ? Double.NaN : total / used;
        if (clusters < 2) {
            return new Interval(estimate, Double.NaN, Double.NaN, used, clusters, new double[0]);
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        double[] means = new double[options.resamples()];
        for (int b = 0; b < means.length; b++) {
            double s = 0;
            int n = 0;
            for (int draw = 0; draw < clusters; draw++) {
                int k = random.nextInt(clusters);
                s += sum[k];
                n += count[k];
            }
            means[b] = s / n;
        }
        double tail = (1 - options.level()) / 2;
        return new Interval(estimate, NanStats.quantile(means, tail), NanStats.quantile(means, 1 - tail), used,
                clusters, means);
    }
}
