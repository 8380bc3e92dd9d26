package io.thoughtanchors.analysis.attention;

/**
 * A recency control for receiver heads (docs/algorithms.md §6.4): the share of a head's pooled attention mass that
 * falls inside the proximity window the vertical score ignores, the cells {@code i − k < j ≤ i} of the same scored
 * square. A head that only looks at the last k sentences has share 1; its kurtosis says nothing about anchors.
 */
public final class RecencyShare {
    private RecencyShare() {
    }

    /**
     * Share of one matrix's lower-triangle mass within the window, over the rows and columns the vertical score
     * uses under {@code options} (its proximity ignore k and pseudo-region choice); NaN cells are left out of both
     * sums. NaN when the lower triangle holds no mass; 0 when k = 0 (the score ignores nothing).
     *
     * @param data row-major matrices; the one measured starts at {@code offset} and has side {@code m}
     */
    public static double of(float[] data, int offset, int m, RegionLayout layout, VerticalScoreOptions options) {
        boolean hasRegions = layout == RegionLayout.PROMPT_SENTENCES_OUTPUT;
        int lo = hasRegions && !options.pseudoRegions().keepPrompt() ? 1 : 0;
        int hi = hasRegions && !options.pseudoRegions().keepOutput() ? m - 1 : m;
        int k = options.proximityIgnore();
        double window = 0;
        double total = 0;
        for (int i = lo; i < hi; i++) {
            int base = offset + i * m;
            for (int j = lo; j <= i; j++) {
                float v = data[base + j];
                if (!Float.isNaN(v)) {
                    total += v;
                    if (i - j < k) {
                        window += v;
                    }
                }
            }
        }
        return total == 0 ? Double.NaN : window / total;
    }

    /** Share of every head of one trace, flat {@code [layers·heads]}. */
    public static double[] perHead(PooledAttention att, VerticalScoreOptions options) {
        double[] out = new double[att.layers() * att.heads()];
        for (int l = 0; l < att.layers(); l++) {
            for (int h = 0; h < att.heads(); h++) {
                out[l * att.heads() + h] = of(att.data(), att.offset(l, h), att.size(), att.layout(), options);
            }
        }
        return out;
    }
}
