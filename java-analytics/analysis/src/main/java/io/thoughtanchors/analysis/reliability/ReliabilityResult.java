package io.thoughtanchors.analysis.reliability;

import io.thoughtanchors.analysis.stats.CorrelationResult;

/**
 * Split-half agreement of mean kurtosis over heads with layer ≥ 1 that are finite in both halves.
 *
 * @param firstHalf  mean kurtosis per flat head index over the first half (NaN for layer 0)
 */
public record ReliabilityResult(SplitMode mode, int tracesFirst, int tracesSecond, CorrelationResult pearson,
                                CorrelationResult spearman, double[] firstHalf, double[] secondHalf) {
}
