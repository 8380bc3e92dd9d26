package io.thoughtanchors.analysis.attention;

/**
 * Sentence-pooled attention of every head of one trace: {@code layers × heads} square matrices of side
 * {@code size}, row-major in one float array ({@code M[l,h][i,j]} at {@code ((l·H + h)·size + i)·size + j}),
 * row = receiving (query) region, column = attended (key) region. {@code labelIndex[s]} is the labelled chunk
 * of sentence {@code s} (−1 if none). The array is shared, not copied.
 */
public record PooledAttention(int layers, int heads, RegionLayout layout, int[] labelIndex, float[] data) {

    public PooledAttention {
        long expected = (long) layers * heads * size(layout, labelIndex.length) * size(layout, labelIndex.length);
        if (data.length != expected) {
            throw new IllegalArgumentException("data has " + data.length + " values, expected " + expected);
        }
    }

    private static int size(RegionLayout layout, int sentences) {
        return sentences + layout.extraRegions();
    }

    /** Number of sentences n. */
    public int sentences() {
        return labelIndex.length;
    }

    /** Side of each matrix: n, or n + 2 with prompt and output regions. */
    public int size() {
        return size(layout, labelIndex.length);
    }

    /** Offset of head (layer, head)'s matrix in {@link #data()}. */
    public int offset(int layer, int head) {
        int m = size();
        return (layer * heads + head) * m * m;
    }
}
