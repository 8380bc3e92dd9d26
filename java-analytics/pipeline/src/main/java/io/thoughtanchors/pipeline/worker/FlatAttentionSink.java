package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.WorkerException;

/**
 * Copies streamed per-head matrices straight into one array in the analysis layout
 * ({@code ((l·H + h)·n + i)·n + j}), so a trace never sits in memory twice.
 */
final class FlatAttentionSink implements AttentionSink {

    private final int layers;
    private final int heads;
    private final int size;
    private final float[] data;
    private final boolean[] seen;

    FlatAttentionSink(int layers, int heads, int size) {
        this.layers = layers;
        this.heads = heads;
        this.size = size;
        this.data = new float[Math.multiplyExact(layers * heads, size * size)];
        this.seen = new boolean[layers * heads];
    }

    @Override
    public void accept(AttentionMatrix m) {
        int flat = m.layer() * heads + m.head();
        if (m.layer() >= layers || m.head() >= heads || m.rows() != size || m.cols() != size || seen[flat]) {
            throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, "unexpected " + m.rows() + "x" + m.cols()
                    + " matrix for layer " + m.layer() + " head " + m.head() + " (expected each of " + layers + "x"
                    + heads + " heads once, " + size + "x" + size + ")");
        }
        seen[flat] = true;
        System.arraycopy(m.values(), 0, data, flat * size * size, size * size);
    }

    /** The filled array; fails if the stream left a head out. */
    float[] data() {
        for (int flat = 0; flat < seen.length; flat++) {
            if (!seen[flat]) {
                throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH,
                        "no matrix for layer " + flat / heads + " head " + flat % heads);
            }
        }
        return data;
    }
}
