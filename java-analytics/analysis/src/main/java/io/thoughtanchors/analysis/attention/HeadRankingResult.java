package io.thoughtanchors.analysis.attention;

import java.util.List;

/**
 * Mean kurtosis per head (flat index {@code l·H + h}; NaN = excluded), the selected heads in descending order,
 * the traces left out by the NaN policy, and warnings (e.g. k reduced to the number of finite heads).
 */
public record HeadRankingResult(int layers, int heads, double[] meanKurtosis, List<Head> topHeads,
                                List<String> skippedTraces, List<String> warnings) {
    public HeadRankingResult {
        topHeads = List.copyOf(topHeads);
        skippedTraces = List.copyOf(skippedTraces);
        warnings = List.copyOf(warnings);
    }

    public double meanKurtosis(Head h) {
        return meanKurtosis[h.flatIndex(heads)];
    }
}
