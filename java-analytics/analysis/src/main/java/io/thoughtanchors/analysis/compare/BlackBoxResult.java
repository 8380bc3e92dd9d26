package io.thoughtanchors.analysis.compare;

import io.thoughtanchors.analysis.stats.CorrelationResult;

import java.util.List;

/**
 * Receiver-head scores against black-box importance (§8.3).
 *
 * @param residualSpearman per-trace Spearman of residualised ρ and u (NaN where undefined), trace order
 * @param used             the per-trace values that entered the mean (finite, after trimming)
 * @param mean             mean of {@code used}; {@code se = std(ddof 0)/√m}; 95% CI {@code mean ± 1.96·se}
 * @param vsNegCf          per-trace correlations of ρ with −cf_acc (Pearson, Spearman)
 * @param vsAbsCf          per-trace correlations of ρ with |cf_acc|
 */
public record BlackBoxResult(List<String> traceIds, double[] residualSpearman, double[] used, double mean, double se,
                             double ciLow, double ciHigh, List<CorrelationResult> pearsonVsNegCf,
                             List<CorrelationResult> spearmanVsNegCf, List<CorrelationResult> pearsonVsAbsCf,
                             List<CorrelationResult> spearmanVsAbsCf) {
}
