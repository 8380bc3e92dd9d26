package io.thoughtanchors.worker;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One forward pass per suppression variant, answered as nucleus-compressed logits at every
 * position and/or full logits at chosen positions. Build with {@link #nucleus} or
 * {@link #fullLogits} and the {@code with*} methods.
 *
 * @param variants           suppressions, one pass each; {@link Suppression#NONE} is the baseline
 * @param fullLogitPositions positions whose full logits [V] are shipped; negative counts from the end
 * @param fullRecompute      false lets the worker reuse the baseline's KV cache before a variant's
 *                           first suppressed token and ship only later positions
 * @param batchSize          variants per forward; 0 = worker default
 * @param maxChunkBytes      largest chunk the worker may send; 0 = worker default
 * @param kernel             the attention kernel of the passes; {@link Kernel#MONKEYPATCH} (a parity mode) also
 *                           recomputes and ships every position of every variant
 */
public record LogitsQuery(ModelInput input, List<Suppression> variants, Optional<NucleusSpec> nucleus,
                          List<Integer> fullLogitPositions, boolean fullRecompute, int batchSize,
                          long maxChunkBytes, Kernel kernel) {

    /** A query with the default {@link Kernel#MASK} kernel. */
    public LogitsQuery(ModelInput input, List<Suppression> variants, Optional<NucleusSpec> nucleus,
                       List<Integer> fullLogitPositions, boolean fullRecompute, int batchSize, long maxChunkBytes) {
        this(input, variants, nucleus, fullLogitPositions, fullRecompute, batchSize, maxChunkBytes, Kernel.MASK);
    }

    public LogitsQuery {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(kernel, "kernel");
        variants = List.copyOf(variants);
        Objects.requireNonNull(nucleus, "nucleus");
        fullLogitPositions = List.copyOf(fullLogitPositions);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a logits query needs at least one variant");
        }
        if (nucleus.isEmpty() && fullLogitPositions.isEmpty()) {
            throw new IllegalArgumentException("a logits query must ask for a nucleus, full logits, or both");
        }
        if (batchSize < 0 || maxChunkBytes < 0) {
            throw new IllegalArgumentException("batchSize and maxChunkBytes must be >= 0 (0 = worker default)");
        }
    }

    /** Nucleus-compressed logits at every position of every variant. */
    public static LogitsQuery nucleus(ModelInput input, List<Suppression> variants, NucleusSpec spec) {
        return new LogitsQuery(input, variants, Optional.of(spec), List.of(), false, 0, 0);
    }

    /** Full logits at {@code positions} (negative = from the end) of every variant. */
    public static LogitsQuery fullLogits(ModelInput input, List<Suppression> variants, List<Integer> positions) {
        return new LogitsQuery(input, variants, Optional.empty(), positions, false, 0, 0);
    }

    public LogitsQuery withNucleus(NucleusSpec spec) {
        return new LogitsQuery(input, variants, Optional.of(spec), fullLogitPositions, fullRecompute, batchSize,
                maxChunkBytes, kernel);
    }

    public LogitsQuery withFullLogitsAt(List<Integer> positions) {
        return new LogitsQuery(input, variants, nucleus, positions, fullRecompute, batchSize, maxChunkBytes, kernel);
    }

    public LogitsQuery withFullRecompute(boolean fullRecompute) {
        return new LogitsQuery(input, variants, nucleus, fullLogitPositions, fullRecompute, batchSize,
                maxChunkBytes, kernel);
    }

    public LogitsQuery withBatchSize(int batchSize) {
        return new LogitsQuery(input, variants, nucleus, fullLogitPositions, fullRecompute, batchSize,
                maxChunkBytes, kernel);
    }

    public LogitsQuery withKernel(Kernel kernel) {
        return new LogitsQuery(input, variants, nucleus, fullLogitPositions, fullRecompute, batchSize,
                maxChunkBytes, kernel);
    }

    public LogitsQuery withMaxChunkBytes(long maxChunkBytes) {
        return new LogitsQuery(input, variants, nucleus, fullLogitPositions, fullRecompute, batchSize,
                maxChunkBytes, kernel);
    }
}
