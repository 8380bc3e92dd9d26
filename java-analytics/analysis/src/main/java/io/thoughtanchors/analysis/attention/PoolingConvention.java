package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.text.TokenRanges;

/**
 * Client side of sentence pooling (docs/algorithms.md §4). The worker returns block means {@code M[i,j] = mean(A[r_i, c_j])} for the
 * token ranges it is given, NaN when a range is empty; the convention decides which ranges to request and how
 * to read the answer.
 */
public enum PoolingConvention {
    /** HEAD: sentence ranges clipped to {@code N−1}; empty blocks become 0.0. */
    HEAD_CLIP,
    /**
     * PAPER-ERA: n + 2 contiguous regions (prompt, sentences extended to the next start, output), clipped to
     * {@code N−1}; empty blocks 0.0.
     */
    PAPER_REGIONS,
    /** Recommended: ranges as built; empty blocks stay NaN so they are visible downstream. */
    RECOMMENDED;

    public RegionLayout layout() {
        return this == PAPER_REGIONS ? RegionLayout.PROMPT_SENTENCES_OUTPUT : RegionLayout.SENTENCES;
    }

    /** Half-open token ranges {@code {start, end}} to send to the worker, one per matrix row/column. */
    public int[][] requestRanges(TokenRanges r) {
        int n = r.size();
        int last = r.numTokens() - 1;
        switch (this) {
            case HEAD_CLIP -> {
                int[][] out = new int[n][];
                for (int i = 0; i < n; i++) {
                    out[i] = new int[] {Math.min(r.start()[i], last), Math.min(r.end()[i], last)};
                }
                return out;
            }
            case PAPER_REGIONS -> {
                int[] bounds = new int[n + 3];
                bounds[0] = 0;
                for (int i = 0; i < n; i++) {
                    bounds[i + 1] = r.start()[i];
                }
                bounds[n + 1] = n > 0 ? r.end()[n - 1] : 0;
                bounds[n + 2] = r.numTokens();
                int[][] out = new int[n + 2][];
                for (int i = 0; i < n + 2; i++) {
                    out[i] = new int[] {Math.min(bounds[i], last), Math.min(bounds[i + 1], last)};
                }
                return out;
            }
            case RECOMMENDED -> {
                int[][] out = new int[n][];
                for (int i = 0; i < n; i++) {
                    out[i] = new int[] {r.start()[i], r.end()[i]};
                }
                return out;
            }
            default -> throw new IllegalStateException("unknown convention " + this);
        }
    }

    /**
     * Wraps the worker's matrices (one per head, in the layout of {@link #requestRanges}) as
     * {@link PooledAttention}; HEAD and PAPER turn NaN (empty blocks) into 0.0 in place, as the reference does.
     */
    public PooledAttention wrap(int layers, int heads, int[] labelIndex, float[] data) {
        if (this != RECOMMENDED) {
            for (int i = 0; i < data.length; i++) {
                if (Float.isNaN(data[i])) {
                    data[i] = 0f;
                }
            }
        }
        return new PooledAttention(layers, heads, layout(), labelIndex, data);
    }
}
