package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.stats.ClusterBootstrap;
import io.thoughtanchors.analysis.stats.EffectSize;
import io.thoughtanchors.analysis.stats.HolmBonferroni;
import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.stats.PairedTTest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Receiver-head scores by sentence category: per-trace aggregates, category means with problem-level bootstrap
 * intervals, and paired t-tests across traces with Cohen's d_z and Holm-adjusted p (docs/algorithms.md §9).
 */
public final class CategoryAnalysis {
    private CategoryAnalysis() {
    }

    /**
     * @param categories categories to analyse, in report order (others are excluded)
     * @param minCount   (trace, category) groups with ≤ this many sentences are dropped (reference: 2)
     * @param bootstrap  resamples, level and seed of the category means' intervals
     */
    public static CategoryResult analyse(List<SentenceScore> rows, List<String> categories, CategoryAggregate aggregate,
                                         int minCount, BootstrapOptions bootstrap) {
        Map<String, Map<Integer, List<Double>>> groups = new HashMap<>();
        SortedMap<Integer, Integer> problemOf = new TreeMap<>();
        for (SentenceScore s : rows) {
            if (categories.contains(s.tag())) {
                Integer before = problemOf.putIfAbsent(s.traceId(), s.problem());
                if (before != null && before != s.problem()) {
                    throw new IllegalArgumentException("trace " + s.traceId() + " is of problem " + before + " and "
                            + s.problem());
                }
                groups.computeIfAbsent(s.tag(), t -> new HashMap<>())
                        .computeIfAbsent(s.traceId(), t -> new ArrayList<>()).add(s.score());
            }
        }
        Map<String, SortedMap<Integer, Double>> perTrace = new HashMap<>();
        List<CategoryMean> means = new ArrayList<>();
        for (String c : categories) {
            SortedMap<Integer, Double> values = new TreeMap<>();
            groups.getOrDefault(c, Map.of()).forEach((trace, scores) -> {
                if (scores.size() > minCount) {
                    double[] v = scores.stream().mapToDouble(Double::doubleValue).toArray();
                    values.put(trace, aggregate == CategoryAggregate.MEAN ? NanStats.nanMean(v) : NanStats.nanMedian(v));
                }
            });
            perTrace.put(c, values);
            double[] x = values.values().stream().mapToDouble(Double::doubleValue).toArray();
            int[] problems = values.keySet().stream().mapToInt(problemOf::get).toArray();
            means.add(new CategoryMean(c, ClusterBootstrap.mean(x, problems, bootstrap)));
        }
        return new CategoryResult(categories, perTrace, problemOf, means, pairTests(categories, perTrace), bootstrap);
    }

    /** Every ordered pair; Holm's family is the unordered pairs, each counted once, its p shared by both orders. */
    private static List<PairTest> pairTests(List<String> categories, Map<String, SortedMap<Integer, Double>> perTrace) {
        int k = categories.size();
        PairTest[][] unadjusted = new PairTest[k][k];
        List<Double> familyP = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (i == j) {
                    continue;
                }
                SortedMap<Integer, Double> va = perTrace.get(categories.get(i));
                SortedMap<Integer, Double> vb = perTrace.get(categories.get(j));
                List<Integer> both = va.keySet().stream().filter(vb::containsKey).toList();
                double[] xa = both.stream().mapToDouble(va::get).toArray();
                double[] xb = both.stream().mapToDouble(vb::get).toArray();
                unadjusted[i][j] = new PairTest(categories.get(i), categories.get(j), both.size(),
                        PairedTTest.test(xa, xb), EffectSize.pairedCohensDz(xa, xb), Double.NaN);
                if (i < j) {
                    familyP.add(unadjusted[i][j].test().p());
                }
            }
        }
        double[] holm = HolmBonferroni.adjust(familyP.stream().mapToDouble(Double::doubleValue).toArray());
        double[][] pHolm = new double[k][k];
        int member = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                pHolm[i][j] = holm[member];
                pHolm[j][i] = holm[member];
                member++;
            }
        }
        List<PairTest> tests = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (i != j) {
                    PairTest t = unadjusted[i][j];
                    tests.add(new PairTest(t.categoryA(), t.categoryB(), t.tracesBeforeNaN(), t.test(), t.cohensDz(),
                            pHolm[i][j]));
                }
            }
        }
        return tests;
    }
}
