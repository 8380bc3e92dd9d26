package io.thoughtanchors.worker;

/**
 * Nucleus compression of each position's logits z (docs/algorithms.md §12.2): with pi = softmax(z / temperature),
 * keep the smallest k with cumulative pi >= topP, capped at maxK (at least 1).
 *
 * @param roundToFloat16 round kept logits to float16 as the reference stores them
 */
public record NucleusSpec(float topP, int maxK, float temperature, boolean roundToFloat16) {

    /** The settings of the reference KL matrix: p = 0.9999, max_k = 100, tau = 0.6, float16 logits. */
    public static final NucleusSpec REFERENCE = new NucleusSpec(0.9999f, 100, 0.6f, true);

    public NucleusSpec {
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (maxK < 1) {
            throw new IllegalArgumentException("maxK must be >= 1, got " + maxK);
        }
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
    }
}
