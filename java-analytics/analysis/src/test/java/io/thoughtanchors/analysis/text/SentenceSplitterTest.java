package io.thoughtanchors.analysis.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SentenceSplitterTest {

    @Test
    void splitsOnSentenceAndParagraphBoundariesAndDiscardsTail() {
        String text = "prompt <think>\nFirst sentence here. Second one is here?\n\nThird paragraph here! tail without end</think> answer";
        assertEquals(List.of("First sentence here.", "Second one is here?", "Third paragraph here!"),
                SentenceSplitter.splitIntoChunks(text));
        assertEquals(List.of("First sentence here.", "Second one is here?", "Third paragraph here!", "tail without end"),
                SentenceSplitter.splitIntoChunks(text, SentenceSplitter.Tail.KEEP));
    }

    @Test
    void decimalsDoNotSplitAndShortChunksMergeForward() {
        List<String> c = SentenceSplitter.splitIntoChunks("The value is 4.5 exactly. 1. Compute the sum first. Ok. Then finish it all. x", SentenceSplitter.Tail.KEEP);
        assertEquals(List.of("The value is 4.5 exactly.", "1. Compute the sum first.", "Ok. Then finish it all. x"), c);
    }

    @Test
    void shortLastChunkMergesBackwardAndLoneShortChunkSurvives() {
        assertEquals(List.of("A long first sentence. Tail."), SentenceSplitter.splitIntoChunks("A long first sentence. Tail. x", SentenceSplitter.Tail.DISCARD));
        assertEquals(List.of("Hi."), SentenceSplitter.splitIntoChunks("Hi. ", SentenceSplitter.Tail.DISCARD));
    }

    @Test
    void keepSpacingSentencesTileTheTextWithTrailingWhitespace() {
        String text = "P <think>\nOne sentence here.  Two sentence here.\n\nThree sentence here. Tail</think>\n\nA long write-up follows.";
        List<String> s = SentenceSplitter.keepSpacingSentences(text);
        assertEquals(List.of("One sentence here.  ", "Two sentence here.\n\n", "Three sentence here. "), s);
        assertEquals(text.indexOf("One") + String.join("", s).length(), text.indexOf("Tail"));
    }

    @Test
    void chunkEndStopsEarlyNearTheEndOfTheTextLikeTheReference() {
        // get_chunk_ranges compares the running end (not the start) + i with the text length: a chunk longer than
        // the text left after it is cut short. Harmless on real traces, where the write-up follows.
        String text = "Start here. Three sentence here. Tail";
        List<SentenceSplitter.ChunkRange> r = SentenceSplitter.chunkRanges(text, List.of("Three sentence here."));
        assertEquals(new CharSpan(12, 25), r.get(0).span());
    }

    @Test
    void chunkRangesFallBackToWhitespaceNormalisedSearch() {
        String text = "Intro sentence.\n1.\nStep one is long enough. More text follows here, and it goes on for a good while longer.";
        List<String> chunks = List.of("Intro sentence.", "1. Step one is long enough.");
        List<SentenceSplitter.ChunkRange> r = SentenceSplitter.chunkRanges(text, chunks);
        assertEquals(2, r.size());
        // the fallback scan stops len(chunk) characters before the end: a chunk at the very end is skipped
        assertEquals(1, SentenceSplitter.chunkRanges("Intro sentence.\n1.\nStep one is long enough.", chunks).size());
        assertEquals(new CharSpan(0, 16), r.get(0).span());
        assertEquals("1.\nStep one is long enough. ", text.substring(r.get(1).span().start(), r.get(1).span().end()));
    }
}
