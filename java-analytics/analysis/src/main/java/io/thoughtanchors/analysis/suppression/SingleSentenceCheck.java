package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.attention.Head;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ARENA single-sentence suppression check (docs/algorithms.md §13): suppress the top receiver heads on the highest- and on
 * the lowest-scoring sentence, compare the last-position next-token distributions with the baseline's, and ask
 * whether the high sentence moves the output much more. The forward passes are the worker's; this class holds the
 * pure parts (selection, head grouping, KL, verdict).
 */
public final class SingleSentenceCheck {
    /** ARENA's τ for this check. */
    public static final double DEFAULT_TEMPERATURE = 1.0;
    /** ARENA's additive epsilon inside the log ratio, {@code ln((p + ε)/(q + ε))}. */
    public static final double KL_EPSILON = 1e-10;
    /** ARENA's epsilon in the printed ratio {@code KL_high / (KL_low + ε)}. */
    public static final double RATIO_EPSILON = 1e-10;
    /** ARENA suppresses the top-5 receiver heads. */
    public static final int DEFAULT_TOP_HEADS = 5;

    private SingleSentenceCheck() {
    }

    /**
     * Success criterion. ARENA's code tests {@code KL_high > factor · KL_low} (the newer text uses 10, an older
     * version 1.5); the printed ratio adds 1e-10 to the denominator, so the two can disagree when {@code KL_low}
     * is of order 1e-10 or below. {@link #passes} uses ARENA's product form.
     */
    public enum PassCriterion {
        /** Newer ARENA text: {@code KL_high > 10 · KL_low}. */
        TEN_TIMES(10.0),
        /** Older ARENA version: {@code KL_high > 1.5 · KL_low}. */
        ONE_AND_A_HALF_TIMES(1.5);

        private final double factor;

        PassCriterion(double factor) {
            this.factor = factor;
        }

        public double factor() {
            return factor;
        }

        public boolean passes(double klHigh, double klLow) {
            return klHigh > factor * klLow;
        }
    }

    /** Highest- and lowest-scoring eligible sentence. */
    public record Selection(int high, int low) {
    }

    /**
     * Outcome of the check.
     *
     * @param ratio {@code klHigh / (klLow + 1e-10)}, as ARENA prints it
     */
    public record Result(Selection selection, double klHigh, double klLow, double ratio, PassCriterion criterion,
                         boolean passed) {
    }

    /**
     * {@code Σ_v p_v ln((p_v + 1e-10)/(q_v + 1e-10))} with {@code p = softmax(base/τ)}, {@code q = softmax(supp/τ)}
     * over the full vocabulary, in nats, computed in double (ARENA's NumPy code would run in float32 on float32
     * logits; differences are at float32 rounding level).
     */
    public static double kl(float[] baseLogits, float[] suppressedLogits, double temperature) {
        if (baseLogits.length != suppressedLogits.length || baseLogits.length == 0) {
            throw new IllegalArgumentException("logit vectors must be non-empty and of equal length, got "
                    + baseLogits.length + " and " + suppressedLogits.length);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        double[] p = softmax(baseLogits, temperature);
        double[] q = softmax(suppressedLogits, temperature);
        double kl = 0;
        for (int v = 0; v < p.length; v++) {
            kl += p[v] * Math.log((p[v] + KL_EPSILON) / (q[v] + KL_EPSILON));
        }
        return kl;
    }

    /** {@link #kl(float[], float[], double)} at τ = 1. */
    public static double kl(float[] baseLogits, float[] suppressedLogits) {
        return kl(baseLogits, suppressedLogits, DEFAULT_TEMPERATURE);
    }

    /** {@code softmax(x/τ)} in double with max subtraction. */
    static double[] softmax(float[] logits, double temperature) {
        double m = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            m = Math.max(m, z / temperature);
        }
        double[] out = new double[logits.length];
        double s = 0;
        for (int v = 0; v < logits.length; v++) {
            out[v] = Math.exp(logits[v] / temperature - m);
            s += out[v];
        }
        for (int v = 0; v < logits.length; v++) {
            out[v] /= s;
        }
        return out;
    }

    /**
     * Highest- and lowest-scoring sentence among the eligible ones (non-NaN scores), ties resolved to the first
     * index ({@code np.argmax}/{@code np.argmin} on the valid subset).
     *
     * @throws IllegalArgumentException if no score is eligible
     */
    public static Selection select(double[] receiverScores) {
        int hi = -1;
        int lo = -1;
        for (int i = 0; i < receiverScores.length; i++) {
            double s = receiverScores[i];
            if (Double.isNaN(s)) {
                continue;
            }
            if (hi < 0 || s > receiverScores[hi]) {
                hi = i;
            }
            if (lo < 0 || s < receiverScores[lo]) {
                lo = i;
            }
        }
        if (hi < 0) {
            throw new IllegalArgumentException("no eligible sentence: all " + receiverScores.length + " scores are NaN");
        }
        return new Selection(hi, lo);
    }

    /**
     * Groups the first {@code k} heads of a ranking into layer → heads, layers in order of first appearance and
     * heads in ranking order (as ARENA builds its dict), ready for a worker {@code Suppression}.
     */
    public static Map<Integer, List<Integer>> layerToHeads(List<Head> rankedHeads, int k) {
        if (k < 0 || k > rankedHeads.size()) {
            throw new IllegalArgumentException("k = " + k + " but " + rankedHeads.size() + " heads are ranked");
        }
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        for (Head h : rankedHeads.subList(0, k)) {
            out.computeIfAbsent(h.layer(), l -> new ArrayList<>()).add(h.head());
        }
        out.replaceAll((l, heads) -> Collections.unmodifiableList(heads));
        return Collections.unmodifiableMap(out);
    }

    /** The verdict from the three last-position logit vectors. */
    public static Result evaluate(Selection selection, float[] baseLogits, float[] suppressedHigh, float[] suppressedLow,
                                  double temperature, PassCriterion criterion) {
        double klHigh = kl(baseLogits, suppressedHigh, temperature);
        double klLow = kl(baseLogits, suppressedLow, temperature);
        return new Result(selection, klHigh, klLow, klHigh / (klLow + RATIO_EPSILON), criterion,
                criterion.passes(klHigh, klLow));
    }
}
