package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.text.TokenRanges;

import java.util.Arrays;

/**
 * A trace's sentence token ranges and the model input of its suppression passes: the token ids of
 * {@code text[:ranges.textLength()]} cut at the end of the last sentence, {@code b_{n−1}}. Logits after that
 * position are never averaged, and a causal model's logits before it do not depend on later tokens, so the cut
 * changes no matrix entry while it saves the LM head and attention work of every position after the last
 * sentence.
 */
public record SuppressionInput(TokenRanges ranges, int[] tokenIds) {

    public SuppressionInput {
        if (ranges.size() == 0) {
            throw new IllegalArgumentException("no sentence ranges");
        }
        if (tokenIds.length != lastSentenceEnd(ranges)) {
            throw new IllegalArgumentException(tokenIds.length + " token ids, but the last sentence ends at token "
                    + lastSentenceEnd(ranges));
        }
    }

    /** Cuts the ids of the whole model text (length {@code ranges.numTokens()}) at the last sentence's end. */
    static SuppressionInput cut(TokenRanges ranges, int[] textIds) {
        if (textIds.length != ranges.numTokens()) {
            throw new IllegalArgumentException("the tokeniser gives " + textIds.length + " tokens, the token ranges"
                    + " were built for " + ranges.numTokens());
        }
        return new SuppressionInput(ranges, Arrays.copyOf(textIds, lastSentenceEnd(ranges)));
    }

    private static int lastSentenceEnd(TokenRanges ranges) {
        return Arrays.stream(ranges.end()).max().orElse(0);
    }

    /** N of the passes: the number of input tokens, BOS included. */
    public int numTokens() {
        return tokenIds.length;
    }

    public int sentences() {
        return ranges.size();
    }
}
