package io.thoughtanchors.analysis.text;

/**
 * The two tokenizer services the boundary modes need (docs/algorithms.md §3, §3.6). Implemented by the model-worker
 * client; tests use a fake. Character positions are Java string indices.
 */
public interface TokenCounter {
    /**
     * Number of ids the tokenizer returns for {@code text[:p]} with special tokens (so BOS is counted), for every
     * {@code p} in {@code charOffsets}; 0 for {@code p == 0}.
     */
    int[] prefixTokenCounts(String text, int[] charOffsets);

    /** The full tokenisation with character offsets; index 0 is BOS with span (0,0). */
    TokenOffsets tokenize(String text);
}
