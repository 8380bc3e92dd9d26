package io.thoughtanchors.worker;

import java.util.List;

/**
 * A logits call's answer.
 *
 * @param numTokens N of the input, BOS included
 * @param variants  one per query variant, in query order
 */
public record LogitsResult(int numTokens, List<VariantLogits> variants) {

    public LogitsResult {
        variants = List.copyOf(variants);
        for (int i = 0; i < variants.size(); i++) {
            if (variants.get(i).variant() != i) {
                throw new IllegalArgumentException("variant " + variants.get(i).variant() + " at index " + i);
            }
        }
    }

    public VariantLogits variant(int index) {
        return variants.get(index);
    }
}
