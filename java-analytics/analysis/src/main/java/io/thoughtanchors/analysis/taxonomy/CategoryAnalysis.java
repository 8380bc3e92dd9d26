package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.stats.PairedTTest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Receiver-head scores by sentence category with paired t-tests across traces (docs/algorithms.md §9). */
public final class CategoryAnalysis {
    private CategoryAnalysis() {
    }

    /**
     * @param categories categories to analyse, in report order (others are excluded)
     * @param minCount   (trace, category) groups with ≤ this many sentences are dropped (reference: 2)
     */
    public static CategoryResult analyse(List<SentenceScore> rows, List<String> categories, CategoryAggregate aggregate,
                                         int minCount) {
        Map<String, Map<Integer, List<Double>>> groups = new HashMap<>();
        for (SentenceScore s : rows) {
            if (categories.contains(s.tag())) {
                groups.computeIfAbsent(s.tag(), t -> new HashMap<>())
                        .computeIfAbsent(s.traceId(), t -> new ArrayList<>()).add(s.score());
            }
        }
        Map<String, SortedMap<Integer, Double>> perTrace = new HashMap<>();
        for (String c : categories) {
            SortedMap<Integer, Double> values = new TreeMap<>();
            groups.getOrDefault(c, Map.of()).forEach((trace, scores) -> {
                if (scores.size() > minCount) {
                    double[] v = scores.stream().mapToDouble(Double::doubleValue).toArray();
                    values.put(trace, aggregate == CategoryAggregate.MEAN ? NanStats.nanMean(v) : NanStats.nanMedian(v));
                }
            });
            perTrace.put(c, values);
        }
        List<PairTest> tests = new ArrayList<>();
        for (String a : categories) {
            for (String b : categories) {
                if (a.equals(b)) {
                    continue;
                }
                SortedMap<Integer, Double> va = perTrace.get(a);
                SortedMap<Integer, Double> vb = perTrace.get(b);
                List<Integer> both = va.keySet().stream().filter(vb::containsKey).toList();
                double[] xa = both.stream().mapToDouble(va::get).toArray();
                double[] xb = both.stream().mapToDouble(vb::get).toArray();
                tests.add(new PairTest(a, b, both.size(), PairedTTest.test(xa, xb)));
            }
        }
        return new CategoryResult(categories, perTrace, tests);
    }
}
