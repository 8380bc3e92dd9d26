package io.thoughtanchors.analysis.compare;

/**
 * The per-sentence vectors of one trace used by the black-box comparison, index-aligned: receiver score ρ,
 * resampling score u, counterfactual accuracy importance (NaN where absent), and whether the sentence's tag is
 * included in the comparison.
 */
public record TraceSentences(String traceId, double[] rho, double[] u, double[] cfAccuracy, boolean[] included) {
    public TraceSentences {
        int n = rho.length;
        if (u.length != n || cfAccuracy.length != n || included.length != n) {
            throw new IllegalArgumentException(traceId + ": per-sentence vectors differ in length");
        }
    }

    public int size() {
        return rho.length;
    }
}
