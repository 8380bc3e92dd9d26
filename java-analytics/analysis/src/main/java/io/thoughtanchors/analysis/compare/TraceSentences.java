package io.thoughtanchors.analysis.compare;

/**
 * One trace's per-sentence vectors for the receiver-vs-resampling comparison, index-aligned: receiver score ρ,
 * resampling score u, and whether the sentence's category is included.
 */
public record TraceSentences(String traceId, double[] rho, double[] u, boolean[] included) {
    public TraceSentences {
        int n = rho.length;
        if (u.length != n || included.length != n) {
            throw new IllegalArgumentException(traceId + ": per-sentence vectors differ in length");
        }
    }

    public int size() {
        return rho.length;
    }
}
