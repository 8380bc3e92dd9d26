package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.text.TokenRanges;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The token ranges to request as pooled attention for the re-segmentation null (docs/algorithms.md §6.4): every
 * sentence cut into consecutive blocks of at most {@code maxBlockTokens} tokens (1 = token level, exact for any
 * boundary), with the token count of each block and the number of blocks in each sentence.
 *
 * @param ranges         half-open {@code {start, end}} token ranges, one per fine block, in order
 */
public record FineRanges(int[][] ranges, int[] blockTokens, int[] sentenceBlocks) {

    public static FineRanges of(TokenRanges sentences, int maxBlockTokens) {
        if (maxBlockTokens < 1) {
            throw new IllegalArgumentException("maxBlockTokens must be ≥ 1");
        }
        List<int[]> ranges = new ArrayList<>();
        int[] perSentence = new int[sentences.size()];
        for (int s = 0; s < sentences.size(); s++) {
            int start = sentences.start()[s];
            int end = sentences.end()[s];
            if (end <= start) {
                throw new IllegalArgumentException("sentence " + sentences.sentenceIndex()[s] + " has no tokens ["
                        + start + ", " + end + "): it cannot be a segment of the re-segmentation null");
            }
            for (int b = start; b < end; b += maxBlockTokens) {
                ranges.add(new int[] {b, Math.min(b + maxBlockTokens, end)});
                perSentence[s]++;
            }
        }
        int[] tokens = ranges.stream().mapToInt(r -> r[1] - r[0]).toArray();
        return new FineRanges(ranges.toArray(int[][]::new), tokens, perSentence);
    }

    /** The null's input from the worker's pooled attention over {@link #ranges} (every layer and head). */
    public SegmentationNull.FineTrace trace(int layers, int heads, float[] pooled) {
        int[] labels = new int[ranges.length];
        Arrays.fill(labels, -1);
        return new SegmentationNull.FineTrace(new PooledAttention(layers, heads, RegionLayout.SENTENCES, labels, pooled),
                blockTokens, sentenceBlocks);
    }
}
