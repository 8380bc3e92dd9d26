package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.BootstrapOptions;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Per-trace category values ({@code category → (trace id → value)}), each trace's problem, the category means with
 * their bootstrap intervals (in category order) and all ordered pairwise tests.
 */
public record CategoryResult(List<String> categories, Map<String, SortedMap<Integer, Double>> perTrace,
                             SortedMap<Integer, Integer> problemOfTrace, List<CategoryMean> means,
                             List<PairTest> tests, BootstrapOptions bootstrap) {
    public CategoryResult {
        categories = List.copyOf(categories);
        perTrace = Map.copyOf(perTrace);
        problemOfTrace = Collections.unmodifiableSortedMap(new TreeMap<>(problemOfTrace));
        means = List.copyOf(means);
        tests = List.copyOf(tests);
    }

    public PairTest test(String a, String b) {
        return tests.stream().filter(t -> t.categoryA().equals(a) && t.categoryB().equals(b)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no test " + a + " vs " + b));
    }

    public CategoryMean mean(String category) {
        return means.stream().filter(m -> m.category().equals(category)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no category " + category));
    }
}
