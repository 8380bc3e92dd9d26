package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboSpans.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.thoughtanchors.analysis.suppression.PlaceboRule.DISJOINT;
import static io.thoughtanchors.analysis.suppression.PlaceboRule.STRADDLING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placebo span rules of docs/algorithms.md §12.9 against hand-worked examples. */
class PlaceboSpansTest {

    // BOS 0, prompt 1..4; sentences [5,9) len 4, [9,10) len 1, [10,16) len 6, [16,18) len 2
    static final int[] START = {5, 9, 10, 16};
    static final int[] END = {9, 10, 16, 18};

    // the same, then [18,25) len 7 and [25,28) len 3; boundaries {5, 9, 10, 16, 18, 25, 28}
    static final int[] LONG_START = {5, 9, 10, 16, 18, 25};
    static final int[] LONG_END = {9, 10, 16, 18, 25, 28};

    private static int maxStraddling(int[] start, int[] end, int j) {
        return PlaceboSpans.offsets(start, end, j, STRADDLING).length;
    }

    @Test
    void straddlingOffsetsByHand() {
        assertEquals(0, maxStraddling(START, END, 0), "the first sentence: only the prompt lies before it");
        assertEquals(0, maxStraddling(START, END, 1), "a one-token sentence cannot straddle a boundary");
        assertArrayEquals(new int[]{1, 2, 3, 4, 5}, PlaceboSpans.offsets(START, END, 2, STRADDLING), "min(6 − 1, 10 − 5)");
        assertEquals(1, maxStraddling(START, END, 3), "min(2 − 1, 16 − 5)");
        // the region bounds the offset: sentence 1 starts one token after the first sentence
        assertEquals(1, maxStraddling(new int[]{5, 6}, new int[]{6, 12}, 1), "min(6 − 1, 6 − 5)");
        // no prompt: the first sentence starts at 1 and BOS is still never reached
        assertEquals(2, maxStraddling(new int[]{1, 4}, new int[]{4, 7}, 1), "min(3 − 1, 4 − 1)");
        assertEquals(0, maxStraddling(new int[]{1, 2}, new int[]{2, 3}, 1));
        // tokens between sentences belong to the region
        assertEquals(3, maxStraddling(new int[]{5, 10}, new int[]{8, 14}, 1), "min(4 − 1, 10 − 5)");
    }

    @Test
    void theOnlyPossibleStraddlingSpanOfAShortSentence() {
        assertEquals(List.of(new Span(3, 0, 1, 15, 17)), PlaceboSpans.of(START, END, 3, STRADDLING, 5, 42));
        assertEquals(List.of(new Span(1, 0, 1, 5, 11)),
                PlaceboSpans.of(new int[]{5, 6}, new int[]{6, 12}, 1, STRADDLING, 3, 7),
                "the span may start exactly at the first sentence");
        assertEquals(List.of(), PlaceboSpans.of(START, END, 0, STRADDLING, 5, 42));
        assertEquals(List.of(), PlaceboSpans.of(START, END, 1, STRADDLING, 5, 42));
        assertEquals(List.of(), PlaceboSpans.of(START, END, 2, STRADDLING, 0, 42), "R = 0 is off");
    }

    @Test
    void moreDrawsThanOffsetsGiveEveryStraddlingOffsetOnce() {
        List<Span> spans = PlaceboSpans.of(START, END, 2, STRADDLING, 20, 3);
        assertEquals(5, spans.size());
        assertEquals(Set.of(1, 2, 3, 4, 5), new HashSet<>(spans.stream().map(Span::offset).toList()));
        for (int r = 0; r < spans.size(); r++) {
            Span s = spans.get(r);
            assertEquals(r, s.draw());
            assertEquals(10 - s.offset(), s.start());
            assertEquals(16 - s.offset(), s.end());
        }
    }

    /** [a_j − L − s, a_j − s), s ≤ L − 1, start ≥ r_0, neither end on a boundary: worked by hand. */
    @Test
    void disjointOffsetsByHand() {
        int[] a = LONG_START;
        int[] b = LONG_END;
        assertArrayEquals(new int[0], PlaceboSpans.offsets(a, b, 0, DISJOINT), "the first sentence: nothing before it");
        assertArrayEquals(new int[0], PlaceboSpans.offsets(a, b, 1, DISJOINT), "a one-token sentence: s ≤ L − 1 = 0");
        assertArrayEquals(new int[0], PlaceboSpans.offsets(a, b, 2, DISJOINT),
                "[4 − s, 10 − s) would start before the first sentence");
        assertArrayEquals(new int[]{1}, PlaceboSpans.offsets(a, b, 3, DISJOINT), "[13, 15)");
        // s = 1: [10, 17) starts on a_2; s = 2: [9, 16) on a_1 and b_2; s = 6: [5, 12) on a_0
        assertArrayEquals(new int[]{3, 4, 5}, PlaceboSpans.offsets(a, b, 4, DISJOINT), "[8, 15), [7, 14), [6, 13)");
        assertArrayEquals(new int[]{1, 2}, PlaceboSpans.offsets(a, b, 5, DISJOINT), "[21, 24), [20, 23)");

        List<Span> spans = PlaceboSpans.of(a, b, 4, DISJOINT, 10, 1);
        assertEquals(Set.of(new Span(4, 0, 3, 8, 15), new Span(4, 0, 4, 7, 14), new Span(4, 0, 5, 6, 13)),
                new HashSet<>(spans.stream().map(s -> new Span(s.sentence(), 0, s.offset(), s.start(), s.end()))
                        .toList()), "every allowed offset once, in some order");
        assertEquals(List.of(0, 1, 2), spans.stream().map(Span::draw).toList());
        assertEquals(List.of(new Span(3, 0, 1, 13, 15)), PlaceboSpans.of(a, b, 3, DISJOINT, 4, 42));
        assertEquals(List.of(), PlaceboSpans.of(a, b, 4, DISJOINT, 0, 42), "R = 0 is off");
    }

    @Test
    void disjointEdgeCases() {
        // a_0 = 0: the region starts at 1, which is no boundary, so a span may start there but never at BOS
        assertArrayEquals(new int[]{1}, PlaceboSpans.offsets(new int[]{0, 2, 6}, new int[]{2, 6, 10}, 2, DISJOINT),
                "[1, 5); s = 2 would start at 0");
        // a gap before sentence 1: s = 2 ends on b_0 = 10, s = 3 starts on a_0 = 5
        assertArrayEquals(new int[]{1}, PlaceboSpans.offsets(new int[]{5, 12}, new int[]{10, 16}, 1, DISJOINT),
                "[7, 11)");
        // a span may cover whole earlier sentences (not receivers): [13, 19) holds sentence 1, [14, 16); s = 4,
        // [10, 16), ends on b_1
        assertArrayEquals(new int[]{1, 2, 3, 5},
                PlaceboSpans.offsets(new int[]{5, 14, 16, 20}, new int[]{14, 16, 20, 26}, 3, DISJOINT));
    }

    /** Both rules: equal length, inside the region, clear of every later sentence, distinct, for many layouts. */
    @Test
    void propertiesOnRandomLayouts() {
        java.util.Random random = new java.util.Random(11);
        int disjointSpans = 0;
        for (int trial = 0; trial < 300; trial++) {
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
            int regionStart = Math.max(start[0], 1);
            long seed = random.nextLong();
            for (PlaceboRule rule : PlaceboRule.values()) {
                List<Span> spans = PlaceboSpans.all(start, end, rule, 4, seed);
                assertEquals(spans, PlaceboSpans.all(start, end, rule, 4, seed), "deterministic with a seed");
                for (Span s : spans) {
                    int j = s.sentence();
                    int length = end[j] - start[j];
                    assertEquals(length, s.length(), "same token length");
                    assertTrue(s.offset() >= 1 && s.offset() < length);
                    assertTrue(s.start() >= regionStart, "inside the region, never BOS or prompt");
                    assertTrue(!boundaries.contains(s.end()), "its end is no sentence boundary");
                    for (int i = j + 1; i < n; i++) {
                        assertTrue(s.end() <= start[i], "covers no later (receiving) sentence");
                    }
                    if (rule == STRADDLING) {
                        assertEquals(start[j] - s.offset(), s.start());
                        assertTrue(s.end() > start[j] && s.end() < end[j], "ends strictly inside its sentence");
                    } else {
                        assertEquals(start[j] - s.offset(), s.end(), "ends offset tokens before a_j");
                        assertTrue(s.end() < start[j], "covers no token of its sentence");
                        assertTrue(!boundaries.contains(s.start()), "its start is no sentence boundary");
                        disjointSpans++;
                    }
                }
                for (int j = 0; j < n; j++) {
                    int sentence = j;
                    List<Integer> offsets = spans.stream().filter(s -> s.sentence() == sentence).map(Span::offset)
                            .toList();
                    assertEquals(Math.min(4, PlaceboSpans.offsets(start, end, j, rule).length), offsets.size());
                    assertEquals(offsets.size(), new HashSet<>(offsets).size(), "distinct offsets");
                }
            }
            // DISJOINT leaves out exactly the offsets that break a condition
            for (int j = 0; j < n; j++) {
                int length = end[j] - start[j];
                List<Integer> expected = new ArrayList<>();
                for (int s = 1; s < length; s++) {
                    int first = start[j] - length - s;
                    boolean aligned = false;
                    for (int k = 0; k < n; k++) {
                        aligned |= first == start[k] || first == end[k] || first + length == start[k]
                                || first + length == end[k];
                    }
                    if (first >= regionStart && !aligned) {
                        expected.add(s);
                    }
                }
                assertEquals(expected, IntStream.of(PlaceboSpans.offsets(start, end, j, DISJOINT)).boxed().toList());
            }
        }
        assertTrue(disjointSpans > 500, "the layouts exercise the rule: " + disjointSpans + " spans");
    }

    @Test
    void theSeedChangesTheDrawsAndEachOffsetIsEquallyLikely() {
        int[] start = {3, 10};
        int[] end = {10, 50}; // sentence 1: 40 tokens, offsets 1..7 (it starts 7 after the first sentence)
        assertEquals(7, maxStraddling(start, end, 1));
        assertNotEquals(PlaceboSpans.of(start, end, 1, STRADDLING, 3, 1), PlaceboSpans.of(start, end, 1, STRADDLING, 3, 2));
        int[] counts = new int[8];
        int seeds = 7000;
        for (int seed = 0; seed < seeds; seed++) {
            counts[PlaceboSpans.of(start, end, 1, STRADDLING, 1, seed).get(0).offset()]++;
        }
        for (int s = 1; s <= 7; s++) {
            assertEquals(1000, counts[s], 120, "offset " + s + " drawn " + counts[s] + " times of " + seeds);
        }
        // DISJOINT draws among its allowed offsets {3, 4, 5} of LONG's sentence 4 alike
        int[] disjoint = new int[7];
        for (int seed = 0; seed < 3000; seed++) {
            disjoint[PlaceboSpans.of(LONG_START, LONG_END, 4, DISJOINT, 1, seed).get(0).offset()]++;
        }
        assertEquals(3000, disjoint[3] + disjoint[4] + disjoint[5]);
        for (int s = 3; s <= 5; s++) {
            assertEquals(1000, disjoint[s], 100, "offset " + s + " drawn " + disjoint[s] + " times of 3000");
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> PlaceboSpans.of(START, END, 2, DISJOINT, -1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> PlaceboSpans.offsets(new int[]{1}, new int[]{}, 0, STRADDLING));
    }
}
