package io.thoughtanchors.worker;

/**
 * One query head's attention in one layer, row-major {@code rows x cols}: post-softmax
 * probabilities for RAW queries, block means over the pool ranges for POOLED ones.
 * The sink that receives it owns {@code values}; nobody else keeps a reference.
 */
public record AttentionMatrix(int layer, int head, int rows, int cols, float[] values) {

    public AttentionMatrix {
        if (rows < 0 || cols < 0 || values.length != (long) rows * cols) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " with " + values.length + " values");
        }
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }
}
