package io.thoughtanchors.analysis.compare;

/**
 * One trace's receiver scores ρ and counterfactual accuracy importance cf (NaN where a sentence has none),
 * index-aligned, for the per-trace correlations of ρ with black-box importance.
 */
public record TraceImportance(String traceId, double[] rho, double[] cfAccuracy) {
    public TraceImportance {
        if (cfAccuracy.length != rho.length) {
            throw new IllegalArgumentException(traceId + ": per-sentence vectors differ in length");
        }
    }
}
