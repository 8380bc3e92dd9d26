package io.thoughtanchors.analysis.taxonomy;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Per-trace category values ({@code category → (trace id → value)}) and all ordered pairwise tests. */
public record CategoryResult(List<String> categories, Map<String, SortedMap<Integer, Double>> perTrace,
                             List<PairTest> tests) {
    public CategoryResult {
        categories = List.copyOf(categories);
        perTrace = Map.copyOf(perTrace);
        tests = List.copyOf(tests);
    }

    public PairTest test(String a, String b) {
        return tests.stream().filter(t -> t.categoryA().equals(a) && t.categoryB().equals(b)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no test " + a + " vs " + b));
    }
}
