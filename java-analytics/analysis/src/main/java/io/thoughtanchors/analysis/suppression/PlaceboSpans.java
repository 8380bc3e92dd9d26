package io.thoughtanchors.analysis.suppression;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The placebo spans of the suppression matrix (docs/algorithms.md §12.9): for suppressed sentence {@code j} with
 * tokens {@code [a_j, b_j)} of length {@code L = b_j − a_j}, spans {@code [a_j − s, b_j − s)} of the same length,
 * shifted earlier by an offset {@code s ∈ {1, …, m_j}}, {@code m_j = min(L − 1, a_j − max(a_0, 1))}. Such a span
 * ends strictly inside sentence j (never on a sentence boundary), straddles the boundary before it, starts no
 * earlier than the first sentence (never BOS, never the prompt) and ends before every later sentence, so it covers
 * no token of a receiving sentence {@code i > j}. Sentence j gets {@code min(R, m_j)} spans with distinct offsets,
 * the first {@code R} of a seeded permutation of {@code 1 … m_j}; {@code m_j = 0} (the first sentence, a sentence
 * shorter than 2 tokens) gives none.
 */
public final class PlaceboSpans {

    /**
     * Draw {@code draw} of sentence {@code sentence}: tokens {@code [start, end)}, {@code offset} tokens before the
     * sentence.
     */
    public record Span(int sentence, int draw, int offset, int start, int end) {

        public int length() {
            return end - start;
        }
    }

    private PlaceboSpans() {
    }

    /**
     * {@code m_j}, the largest offset sentence {@code j} allows: {@code min(len_j − 1, a_j − max(a_0, 1))}, at
     * least 0 (0 = no placebo).
     *
     * @param start sentence starts {@code a_i} (token indices, BOS = 0), in order
     * @param end   sentence ends {@code b_i} (exclusive)
     */
    public static int maxOffset(int[] start, int[] end, int j) {
        check(start, end);
        int regionStart = Math.max(start[0], 1);
        return Math.max(0, Math.min(end[j] - start[j] - 1, start[j] - regionStart));
    }

    /** The placebo spans of sentence {@code j}, in draw order: {@code min(draws, m_j)} of them. */
    public static List<Span> of(int[] start, int[] end, int j, int draws, long seed) {
        if (draws < 0) {
            throw new IllegalArgumentException("placebo draws must be >= 0, got " + draws);
        }
        int m = maxOffset(start, end, j);
        int k = Math.min(draws, m);
        int[] offsets = new int[m];
        for (int s = 0; s < m; s++) {
            offsets[s] = s + 1;
        }
        // A partial Fisher–Yates shuffle: the first k entries are k distinct offsets, uniformly drawn.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + j);
        List<Span> spans = new ArrayList<>(k);
        for (int r = 0; r < k; r++) {
            int pick = r + random.nextInt(m - r);
            int s = offsets[pick];
            offsets[pick] = offsets[r];
            offsets[r] = s;
            spans.add(new Span(j, r, s, start[j] - s, end[j] - s));
        }
        return spans;
    }

    /** The placebo spans of every sentence, sentence by sentence, each in draw order. */
    public static List<Span> all(int[] start, int[] end, int draws, long seed) {
        List<Span> spans = new ArrayList<>();
        for (int j = 0; j < start.length; j++) {
            spans.addAll(of(start, end, j, draws, seed));
        }
        return spans;
    }

    private static void check(int[] start, int[] end) {
        if (start.length != end.length || start.length == 0) {
            throw new IllegalArgumentException(start.length + " starts and " + end.length + " ends");
        }
    }
}
