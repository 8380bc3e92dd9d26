package io.thoughtanchors.worker;

import java.util.List;

/**
 * Pooled attention of several layers and heads: {@code values[i][j]} is the row-major
 * {@code size x size} matrix of layer {@code layers.get(i)}, head {@code heads.get(j)}.
 * With all layers and heads requested the indices equal the layer and head numbers.
 */
public record PooledAttention(List<Integer> layers, List<Integer> heads, int size, float[][][] values) {

    public PooledAttention {
        layers = List.copyOf(layers);
        heads = List.copyOf(heads);
        if (values.length != layers.size()) {
            throw new IllegalArgumentException(values.length + " layer slices for " + layers.size() + " layers");
        }
        for (float[][] layer : values) {
            if (layer.length != heads.size()) {
                throw new IllegalArgumentException(layer.length + " head slices for " + heads.size() + " heads");
            }
            for (float[] m : layer) {
                if (m == null || m.length != size * size) {
                    throw new IllegalArgumentException("missing or mis-sized matrix (size " + size + ")");
                }
            }
        }
    }

    /** The matrix of layer number {@code layer} and head number {@code head} (not indices). */
    public float[] matrix(int layer, int head) {
        int i = layers.indexOf(layer);
        int j = heads.indexOf(head);
        if (i < 0 || j < 0) {
            throw new IllegalArgumentException("layer " + layer + " head " + head + " was not requested");
        }
        return values[i][j];
    }

    public float get(int layer, int head, int row, int col) {
        return matrix(layer, head)[row * size + col];
    }

    /** Collects streamed matrices into a {@link PooledAttention}. */
    public static final class Collector implements AttentionSink {
        private final List<Integer> layers;
        private final List<Integer> heads;
        private final int size;
        private final float[][][] values;

        public Collector(List<Integer> layers, List<Integer> heads, int size) {
            this.layers = List.copyOf(layers);
            this.heads = List.copyOf(heads);
            this.size = size;
            this.values = new float[layers.size()][heads.size()][];
        }

        @Override
        public void accept(AttentionMatrix m) {
            int i = layers.indexOf(m.layer());
            int j = heads.indexOf(m.head());
            if (i < 0 || j < 0 || m.rows() != size || m.cols() != size || values[i][j] != null) {
                throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, "unexpected " + m.rows() + "x"
                        + m.cols() + " matrix for layer " + m.layer() + " head " + m.head()
                        + " (expected each requested layer/head once, " + size + "x" + size + ")");
            }
            values[i][j] = m.values();
        }

        public PooledAttention result() {
            for (int i = 0; i < values.length; i++) {
                for (int j = 0; j < values[i].length; j++) {
                    if (values[i][j] == null) {
                        throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH,
                                "no matrix for layer " + layers.get(i) + " head " + heads.get(j));
                    }
                }
            }
            return new PooledAttention(layers, heads, size, values);
        }
    }
}
