package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.text.TokenRanges;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FineRangesTest {
    /** Sentences [1, 6), [6, 8), [9, 12) of a 12-token text (token 8 between sentences, BOS 0 before). */
    static final TokenRanges SENTENCES = new TokenRanges(new int[] {0, 1, 2}, new int[] {0, 1, 2},
            new int[] {1, 6, 9}, new int[] {6, 8, 12}, 40, 12);

    @Test
    void sentencesAreCutIntoBlocksOfAtMostTheGivenTokens() {
        FineRanges f = FineRanges.of(SENTENCES, 2);
        assertArrayEquals(new int[][] {{1, 3}, {3, 5}, {5, 6}, {6, 8}, {9, 11}, {11, 12}}, f.ranges());
        assertArrayEquals(new int[] {2, 2, 1, 2, 2, 1}, f.blockTokens());
        assertArrayEquals(new int[] {3, 1, 2}, f.sentenceBlocks());
    }

    @Test
    void oneTokenBlocksAreTokenLevel() {
        FineRanges f = FineRanges.of(SENTENCES, 1);
        assertEquals(10, f.ranges().length);
        assertArrayEquals(new int[] {5, 2, 3}, f.sentenceBlocks());
        for (int b = 0; b < 10; b++) {
            assertEquals(1, f.blockTokens()[b]);
        }
    }

    @Test
    void traceWrapsThePooledMatricesForTheNull() {
        FineRanges f = FineRanges.of(SENTENCES, 2);
        int n = f.ranges().length;
        float[] pooled = new float[2 * n * n];
        SegmentationNull.FineTrace t = f.trace(1, 2, pooled);
        assertSame(pooled, t.blocks().data());
        assertEquals(n, t.blocks().size());
        assertEquals(2, t.blocks().heads());
        assertArrayEquals(f.blockTokens(), t.blockTokens());
        assertArrayEquals(f.sentenceBlocks(), t.sentenceBlocks());
        assertThrows(IllegalArgumentException.class, () -> f.trace(1, 3, pooled));
    }

    @Test
    void emptySentencesAndBadBlockSizesAreRefused() {
        TokenRanges empty = new TokenRanges(new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 4}, new int[] {4, 4},
                10, 5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FineRanges.of(empty, 2)).getMessage()
                .contains("sentence 1 has no tokens"));
        assertThrows(IllegalArgumentException.class, () -> FineRanges.of(SENTENCES, 0));
    }
}
