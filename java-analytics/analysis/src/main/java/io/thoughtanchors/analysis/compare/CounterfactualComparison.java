package io.thoughtanchors.analysis.compare;

import io.thoughtanchors.analysis.stats.CorrelationResult;

import java.util.List;

/**
 * Receiver-head scores against counterfactual importance, per trace that has it (docs/algorithms.md §10.3, recommended): Pearson and
 * Spearman of ρ with −cf_acc and with |cf_acc|, in trace order.
 */
public record CounterfactualComparison(List<String> traceIds, List<CorrelationResult> pearsonVsNegCf,
                                       List<CorrelationResult> spearmanVsNegCf, List<CorrelationResult> pearsonVsAbsCf,
                                       List<CorrelationResult> spearmanVsAbsCf) {
    public CounterfactualComparison {
        traceIds = List.copyOf(traceIds);
        pearsonVsNegCf = List.copyOf(pearsonVsNegCf);
        spearmanVsNegCf = List.copyOf(spearmanVsNegCf);
        pearsonVsAbsCf = List.copyOf(pearsonVsAbsCf);
        spearmanVsAbsCf = List.copyOf(spearmanVsAbsCf);
    }
}
