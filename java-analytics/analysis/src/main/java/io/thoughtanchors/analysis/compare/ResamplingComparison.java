package io.thoughtanchors.analysis.compare;

import java.util.List;

/**
 * Receiver-head scores against the resampling score u of the step-importance matrix (docs/algorithms.md §10.3, PAPER-ERA
 * {@code get_receiver_x_uzay}), over the traces that have that matrix.
 *
 * @param residualSpearman per-trace Spearman of residualised ρ and u (NaN where undefined), trace order
 * @param used             the per-trace values that entered the mean (finite, after trimming)
 * @param mean             mean of {@code used}; {@code se = std(ddof 0)/√m}; 95% CI {@code mean ± 1.96·se}
 */
public record ResamplingComparison(List<String> traceIds, double[] residualSpearman, double[] used, double mean,
                                   double se, double ciLow, double ciHigh) {
    public ResamplingComparison {
        traceIds = List.copyOf(traceIds);
    }
}
