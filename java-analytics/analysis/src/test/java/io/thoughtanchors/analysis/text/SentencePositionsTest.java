package io.thoughtanchors.analysis.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentencePositionsTest {

    @Test
    void sequentialSearchWithStrippedFallbackAndSpaceNormalisation() {
        String text = "Q. Hi there.\u00A0Hi there. End";
        List<CharSpan> s = SentencePositions.locate(text, List.of("Hi there. ", "Hi there.", "  End "), SentenceMatch.EXACT_OR_STRIPPED);
        assertEquals(new CharSpan(3, 13), s.get(0)); // ν turns the NBSP into a space
        assertEquals(new CharSpan(13, 22), s.get(1)); // repeated sentence → next occurrence
        assertEquals(new CharSpan(23, 26), s.get(2)); // stripped fallback
    }

    @Test
    void notFoundNamesIndexAndSnippet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentencePositions.locate("a b c", List.of("a", "zzz"), SentenceMatch.EXACT_OR_STRIPPED));
        assertTrue(e.getMessage().contains("Sentence not found in text") && e.getMessage().contains("sentence 1")
                && e.getMessage().contains("zzz"), e.getMessage());
    }

    @Test
    void regexFallbackMatchesLabelsMergedWithASpace() {
        String text = "Intro.\n1.\nFirst step here.\nNext.";
        String label = "1. First step here.";
        assertThrows(IllegalArgumentException.class,
                () -> SentencePositions.locate(text, List.of(label), SentenceMatch.EXACT_OR_STRIPPED));
        List<CharSpan> s = SentencePositions.locate(text, List.of(label), SentenceMatch.WHITESPACE_REGEX_FALLBACK);
        assertEquals("1.\nFirst step here.", text.substring(s.get(0).start(), s.get(0).end()));
    }
}
