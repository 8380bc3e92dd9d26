package io.thoughtanchors.analysis.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Boundary modes against a fake tokenizer whose token indices can be worked out by hand. */
class TokenBoundariesTest {
    // tokens: 0 BOS, 1 "P", 2 ":", 3 " A", 4 " b", 5 ".", 6 " C", 7 " d", 8 ".", 9 " E", 10 " f", 11 ".", 12 " Z"
    static final String TEXT = "P: A b. C d. E f. Z";
    static final List<String> SENTENCES = List.of("A b. ", "C d. ", "E f. ");
    final FakeTokenCounter tok = new FakeTokenCounter();

    SentenceLayout layout() {
        return new SentenceLayout(SENTENCES, SentencePositions.locate(TEXT, SENTENCES, SentenceMatch.EXACT_OR_STRIPPED),
                new int[] {0, 1, 2});
    }

    @Test
    void headPrefixCountShiftsStartsAfterASpaceByOne() {
        TokenRanges r = TokenBoundaries.build(TEXT, layout(), BoundaryMode.HEAD_PREFIX_COUNT, Truncation.NONE, tok);
        assertArrayEquals(new int[] {4, 7, 10}, r.start()); // true first tokens are 3, 6, 9
        assertArrayEquals(new int[] {7, 10, 13}, r.end());
        assertEquals(13, r.numTokens());
        assertEquals(TEXT.length(), r.textLength());
    }

    @Test
    void offsetsStartAtTheTokenHoldingTheFirstCharacter() {
        TokenRanges r = TokenBoundaries.build(TEXT, layout(), BoundaryMode.OFFSETS, Truncation.NONE, tok);
        assertArrayEquals(new int[] {3, 6, 9}, r.start());
        // the last sentence's span includes its trailing space, which " Z" starts inside: it runs to N
        assertArrayEquals(new int[] {6, 9, 13}, r.end());
    }

    @Test
    void paperShiftFixesLaterStartsAndDropsOneTokenSentences() {
        List<String> s = List.of("A b. ", "C d. ", "E f. ", "Z");
        SentenceLayout l = new SentenceLayout(s, SentencePositions.locate(TEXT, s, SentenceMatch.EXACT_OR_STRIPPED), new int[] {0, 1, 2, 3});
        TokenRanges r = TokenBoundaries.build(TEXT, l, BoundaryMode.PAPER_SHIFTED_PREFIX, Truncation.NONE, tok);
        assertArrayEquals(new int[] {0, 1, 2}, r.labelIndex()); // "Z" → (12,13): one token, dropped
        assertArrayEquals(new int[] {4, 6, 9}, r.start());
        assertArrayEquals(new int[] {6, 9, 12}, r.end());
    }

    @Test
    void keptSentencesRecordTheirPlaceInTheLayoutApartFromTheirLabels() {
        List<String> s = List.of("A b. ", "C d. ", "E f. ", "Z");
        SentenceLayout l = new SentenceLayout(s, SentencePositions.locate(TEXT, s, SentenceMatch.EXACT_OR_STRIPPED),
                new int[] {7, -1, 5, 4});
        TokenRanges r = TokenBoundaries.build(TEXT, l, BoundaryMode.PAPER_SHIFTED_PREFIX, Truncation.NONE, tok);
        assertArrayEquals(new int[] {0, 1, 2}, r.sentenceIndex());
        assertArrayEquals(new int[] {7, -1, 5}, r.labelIndex());
        TokenRanges all = TokenBoundaries.build(TEXT, l, BoundaryMode.OFFSETS, Truncation.NONE, tok);
        assertArrayEquals(new int[] {0, 1, 2, 3}, all.sentenceIndex());
    }

    @Test
    void paperPercentDotRuleMovesTheBoundaryOneCharacter() {
        String text = "P: Up 5%. So x. Z";
        List<String> s = List.of("Up 5%. ", "So x. ");
        SentenceLayout l = new SentenceLayout(s, SentencePositions.locate(text, s, SentenceMatch.EXACT_OR_STRIPPED), new int[] {0, 1});
        TokenRanges r = TokenBoundaries.build(text, l, BoundaryMode.PAPER_SHIFTED_PREFIX, Truncation.NONE, tok);
        assertArrayEquals(new int[] {4, 7}, r.start()); // without the rule: (4,6) (6,9)
        assertArrayEquals(new int[] {7, 9}, r.end());
    }

    @Test
    void paperSemiTruncationKeepsSentencesEndingBy3744() {
        StringBuilder sb = new StringBuilder("P:");
        int sentences = 1500;
        for (int i = 0; i < sentences; i++) {
            sb.append(" a b."); // 3 tokens each
        }
        String text = sb.toString();
        String[] parts = new String[sentences];
        java.util.Arrays.fill(parts, "a b.");
        List<String> s = List.of(parts);
        int[] labels = java.util.stream.IntStream.range(0, sentences).toArray();
        SentenceLayout l = new SentenceLayout(s, SentencePositions.locate(text, s, SentenceMatch.EXACT_OR_STRIPPED), labels);
        TokenRanges r = TokenBoundaries.build(text, l, BoundaryMode.HEAD_PREFIX_COUNT, Truncation.PAPER_SEMI, tok);
        // sentence i (HEAD counts) ends at token 3 + 3(i+1); the last with end ≤ 3744 is i = 1246
        assertEquals(1247, r.size());
        assertEquals(3744, r.end()[1246]);
        int endChar = 2 + 5 * 1247;
        assertEquals(endChar + 256, r.textLength());
        assertEquals(tok.prefixTokenCounts(text, new int[] {endChar + 256})[0], r.numTokens());
        TokenRanges full = TokenBoundaries.build(text, l, BoundaryMode.HEAD_PREFIX_COUNT, Truncation.NONE, tok);
        assertEquals(sentences, full.size());
    }
}
