package io.thoughtanchors.worker;

import java.util.List;
import java.util.stream.Stream;

/**
 * Which attention kernel computes a logits query's passes (worker.proto {@code LogitsRequest.Kernel}, docs/algorithms.md §11.4).
 */
public enum Kernel {
    /**
     * The default: one mask-based kernel for every variant, so a position before a variant's first suppressed token
     * is exactly the baseline's (KL 0: the upper triangle of a suppression matrix is the exact floor).
     */
    MASK,
    /**
     * A parity mode reproducing the reference code's asymmetry: the baseline through the architecture's stock eager
     * kernel, each suppressed variant a whole forward (no prefix reuse) through the reference's replacement kernel.
     * They round differently, which is where the reference's noisy upper triangle comes from. The worker must
     * declare {@link #CAPABILITY}.
     */
    MONKEYPATCH;

    /** The worker capability {@link #MONKEYPATCH} needs. */
    public static final String CAPABILITY = "logits.kernel_monkeypatch";

    /** {@code base} and, for {@link #MONKEYPATCH}, {@link #CAPABILITY}: what a worker must declare to run this kernel. */
    public List<String> requiredCapabilities(List<String> base) {
        return this == MASK ? base : Stream.concat(base.stream(), Stream.of(CAPABILITY)).toList();
    }
}
