package io.thoughtanchors.analysis.text;

/**
 * Token ranges {@code [start[i], end[i])} (BOS = index 0) of the sentences that survive boundary building, the
 * index of each in the {@link SentenceLayout} it came from ({@code sentenceIndex}: boundary modes and truncation may
 * drop sentences), the labelled chunk of each ({@code labelIndex}, −1 if none), and the model input:
 * {@code text[:textLength]} with {@code numTokens} tokens.
 */
public record TokenRanges(int[] sentenceIndex, int[] labelIndex, int[] start, int[] end, int textLength,
                          int numTokens) {
    public TokenRanges {
        if (sentenceIndex.length != labelIndex.length || labelIndex.length != start.length
                || start.length != end.length) {
            throw new IllegalArgumentException("sentenceIndex, labelIndex, start and end must have the same length");
        }
    }

    public int size() {
        return start.length;
    }
}
