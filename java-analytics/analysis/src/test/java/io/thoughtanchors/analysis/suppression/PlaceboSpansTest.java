package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboSpans.Span;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placebo span rule of docs/algorithms.md §12.9 against hand-worked examples. */
class PlaceboSpansTest {

    // BOS 0, prompt 1..4; sentences [5,9) len 4, [9,10) len 1, [10,16) len 6, [16,18) len 2
    static final int[] START = {5, 9, 10, 16};
    static final int[] END = {9, 10, 16, 18};

    @Test
    void largestOffsetByHand() {
        assertEquals(0, PlaceboSpans.maxOffset(START, END, 0), "the first sentence: only the prompt lies before it");
        assertEquals(0, PlaceboSpans.maxOffset(START, END, 1), "a one-token sentence cannot straddle a boundary");
        assertEquals(5, PlaceboSpans.maxOffset(START, END, 2), "min(6 − 1, 10 − 5)");
        assertEquals(1, PlaceboSpans.maxOffset(START, END, 3), "min(2 − 1, 16 − 5)");
        // the region bounds the offset: sentence 1 starts one token after the first sentence
        assertEquals(1, PlaceboSpans.maxOffset(new int[]{5, 6}, new int[]{6, 12}, 1), "min(6 − 1, 6 − 5)");
        // no prompt: the first sentence starts at 1 and BOS is still never reached
        assertEquals(2, PlaceboSpans.maxOffset(new int[]{1, 4}, new int[]{4, 7}, 1), "min(3 − 1, 4 − 1)");
        assertEquals(0, PlaceboSpans.maxOffset(new int[]{1, 2}, new int[]{2, 3}, 1));
        // tokens between sentences belong to the region
        assertEquals(3, PlaceboSpans.maxOffset(new int[]{5, 10}, new int[]{8, 14}, 1), "min(4 − 1, 10 − 5)");
    }

    @Test
    void theOnlyPossibleSpanOfAShortSentence() {
        assertEquals(List.of(new Span(3, 0, 1, 15, 17)), PlaceboSpans.of(START, END, 3, 5, 42));
        assertEquals(List.of(new Span(1, 0, 1, 5, 11)), PlaceboSpans.of(new int[]{5, 6}, new int[]{6, 12}, 1, 3, 7),
                "the span may start exactly at the first sentence");
        assertEquals(List.of(), PlaceboSpans.of(START, END, 0, 5, 42));
        assertEquals(List.of(), PlaceboSpans.of(START, END, 1, 5, 42));
        assertEquals(List.of(), PlaceboSpans.of(START, END, 2, 0, 42), "R = 0 is off");
    }

    @Test
    void moreDrawsThanOffsetsGiveEveryOffsetOnce() {
        List<Span> spans = PlaceboSpans.of(START, END, 2, 20, 3);
        assertEquals(5, spans.size());
        assertEquals(Set.of(1, 2, 3, 4, 5), new HashSet<>(spans.stream().map(Span::offset).toList()));
        for (int r = 0; r < spans.size(); r++) {
            Span s = spans.get(r);
            assertEquals(r, s.draw());
            assertEquals(10 - s.offset(), s.start());
            assertEquals(16 - s.offset(), s.end());
        }
    }

    /** Equal length, not aligned, inside the region, clear of every later sentence, distinct, for many layouts. */
    @Test
    void propertiesOnRandomLayouts() {
        java.util.Random random = new java.util.Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(12);
            int[] start = new int[n];
            int[] end = new int[n];
            int t = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                t += random.nextInt(2); // sometimes a gap token
                start[i] = t;
                t += 1 + random.nextInt(9);
                end[i] = t;
            }
            Set<Integer> boundaries = new HashSet<>();
            IntStream.range(0, n).forEach(i -> {
                boundaries.add(start[i]);
                boundaries.add(end[i]);
            });
            long seed = random.nextLong();
            List<Span> spans = PlaceboSpans.all(start, end, 4, seed);
            assertEquals(spans, PlaceboSpans.all(start, end, 4, seed), "deterministic with a seed");
            for (Span s : spans) {
                int j = s.sentence();
                assertEquals(end[j] - start[j], s.length(), "same token length");
                assertTrue(s.offset() >= 1 && s.offset() < end[j] - start[j]);
                assertTrue(s.start() >= start[0] && s.start() >= 1, "inside the region, never BOS or prompt");
                assertTrue(s.end() > start[j] && s.end() < end[j], "ends strictly inside its sentence");
                assertTrue(!boundaries.contains(s.end()), "its end is no sentence boundary");
                for (int i = j + 1; i < n; i++) {
                    assertTrue(s.end() <= start[i], "covers no later (receiving) sentence");
                }
            }
            for (int j = 0; j < n; j++) {
                int sentence = j;
                List<Integer> offsets = spans.stream().filter(s -> s.sentence() == sentence).map(Span::offset).toList();
                assertEquals(Math.min(4, PlaceboSpans.maxOffset(start, end, j)), offsets.size());
                assertEquals(offsets.size(), new HashSet<>(offsets).size(), "distinct offsets");
            }
        }
    }

    @Test
    void theSeedChangesTheDrawsAndEachOffsetIsEquallyLikely() {
        int[] start = {3, 10};
        int[] end = {10, 50}; // sentence 1: 40 tokens, offsets 1..7 (it starts 7 after the first sentence)
        assertEquals(7, PlaceboSpans.maxOffset(start, end, 1));
        assertNotEquals(PlaceboSpans.of(start, end, 1, 3, 1), PlaceboSpans.of(start, end, 1, 3, 2));
        int[] counts = new int[8];
        int seeds = 7000;
        for (int seed = 0; seed < seeds; seed++) {
            counts[PlaceboSpans.of(start, end, 1, 1, seed).get(0).offset()]++;
        }
        for (int s = 1; s <= 7; s++) {
            assertEquals(1000, counts[s], 120, "offset " + s + " drawn " + counts[s] + " times of " + seeds);
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> PlaceboSpans.of(START, END, 2, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> PlaceboSpans.maxOffset(new int[]{1}, new int[]{}, 0));
    }
}
