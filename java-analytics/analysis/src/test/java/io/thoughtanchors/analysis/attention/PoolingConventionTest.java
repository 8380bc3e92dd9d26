package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.text.TokenRanges;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolingConventionTest {
    // three sentences; the last ends at the last token N = 20
    final TokenRanges r = new TokenRanges(new int[] {0, 1, 2}, new int[] {0, 1, 2}, new int[] {5, 9, 14}, new int[] {9, 13, 20}, 100, 20);

    @Test
    void headClipsToLastToken() {
        assertArrayEquals(new int[][] {{5, 9}, {9, 13}, {14, 19}}, PoolingConvention.HEAD_CLIP.requestRanges(r));
    }

    @Test
    void paperRegionsAreContiguousWithPromptAndOutput() {
        assertArrayEquals(new int[][] {{0, 5}, {5, 9}, {9, 14}, {14, 19}, {19, 19}}, PoolingConvention.PAPER_REGIONS.requestRanges(r));
        assertEquals(RegionLayout.PROMPT_SENTENCES_OUTPUT, PoolingConvention.PAPER_REGIONS.layout());
    }

    @Test
    void recommendedKeepsRangesAndNaN() {
        assertArrayEquals(new int[][] {{5, 9}, {9, 13}, {14, 20}}, PoolingConvention.RECOMMENDED.requestRanges(r));
        float[] data = {1, Float.NaN, 0.5f, 0.5f};
        PooledAttention rec = PoolingConvention.RECOMMENDED.wrap(1, 1, new int[] {0, 1}, data.clone());
        assertTrue(Float.isNaN(rec.data()[1]));
        PooledAttention head = PoolingConvention.HEAD_CLIP.wrap(1, 1, new int[] {0, 1}, data.clone());
        assertEquals(0f, head.data()[1]);
    }
}
