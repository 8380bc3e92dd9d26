package io.thoughtanchors.analysis.suppression;

/**
 * How the per-position divergence {@code κ_t = KL(B_t ‖ Q_t)} between two nucleus-compressed distributions is
 * computed (docs/algorithms.md §12.3). There is no full-vocabulary mode for the matrix: it would need the worker to ship
 * full logits at every position of every pass (docs/algorithms.md §12.3 says why and what to use instead).
 */
public enum KlMode {
    /**
     * Exact replica of the reference sparse KL (docs/algorithms.md §12.3), quirks included: union of ids, missing logits
     * filled with −1e9, float32 {@code log_softmax} of {@code z/τ} on both sides, {@code p == 0} terms dropped,
     * negative results clipped to 0. A token in P's nucleus but not Q's contributes ≈ {@code p·1.67e9}.
     * See {@link SparseKl#reference}.
     */
    REFERENCE_SPARSE,
    /**
     * A true KL divergence of nucleus-plus-tail distributions in double precision (not author code); the exact
     * definition is in {@link SparseKl}'s class comment and {@link SparseKl#withTail}.
     */
    SPARSE_WITH_TAIL
}
