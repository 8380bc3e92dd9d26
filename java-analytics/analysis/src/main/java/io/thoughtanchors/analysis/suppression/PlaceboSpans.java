package io.thoughtanchors.analysis.suppression;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The placebo spans of the suppression matrix (docs/algorithms.md §12.9): for suppressed sentence {@code j} with
 * tokens {@code [a_j, b_j)} of length {@code L = b_j − a_j}, spans of the same length at an offset {@code s} from
 * {@code a_j}, placed by a {@link PlaceboRule}; the region starts at {@code r_0 = max(a_0, 1)} (never BOS, never
 * the prompt) and no span covers a token of a receiving sentence {@code i > j}.
 * <ul>
 *   <li>{@link PlaceboRule#DISJOINT}: {@code [a_j − L − s, a_j − s)} for {@code s ∈ {1, …, L − 1}} with
 *   {@code a_j − L − s ≥ r_0} and neither {@code a_j − L − s} nor {@code a_j − s} a sentence boundary
 *   (some {@code a_k} or {@code b_k}): entirely before sentence j, never sentence-aligned;</li>
 *   <li>{@link PlaceboRule#STRADDLING}: {@code [a_j − s, b_j − s)} for {@code s ∈ {1, …, m_j}},
 *   {@code m_j = min(L − 1, a_j − r_0)}: it ends strictly inside sentence j and straddles its start.</li>
 * </ul>
 * Sentence j gets {@code min(R, #offsets)} spans with distinct offsets, the first {@code R} of a seeded
 * permutation of its allowed offsets in ascending order; none allowed (the first sentence, a sentence shorter than
 * 2 tokens, too little text before it) gives none.
 */
public final class PlaceboSpans {

    /**
     * Draw {@code draw} of sentence {@code sentence}: tokens {@code [start, end)} at {@code offset} from the sentence
     * (its start {@code offset} tokens before {@code a_j} under STRADDLING, its end under DISJOINT).
     */
    public record Span(int sentence, int draw, int offset, int start, int end) {

        public int length() {
            return end - start;
        }
    }

    private PlaceboSpans() {
    }

    /**
     * The offsets sentence {@code j} allows under {@code rule}, ascending (empty = no placebo).
     *
     * @param start sentence starts {@code a_i} (token indices, BOS = 0), in order
     * @param end   sentence ends {@code b_i} (exclusive)
     */
    public static int[] offsets(int[] start, int[] end, int j, PlaceboRule rule) {
        check(start, end);
        int regionStart = Math.max(start[0], 1);
        int length = end[j] - start[j];
        return switch (rule) {
            case STRADDLING -> IntStream.rangeClosed(1, Math.min(length - 1, start[j] - regionStart)).toArray();
            case DISJOINT -> {
                Set<Integer> boundaries = new HashSet<>();
                for (int k = 0; k < start.length; k++) {
                    boundaries.add(start[k]);
                    boundaries.add(end[k]);
                }
                yield IntStream.rangeClosed(1, length - 1)
                        .filter(s -> start[j] - length - s >= regionStart)
                        .filter(s -> !boundaries.contains(start[j] - s) && !boundaries.contains(start[j] - length - s))
                        .toArray();
            }
        };
    }

    /** The placebo spans of sentence {@code j}, in draw order: {@code min(draws, #offsets)} of them. */
    public static List<Span> of(int[] start, int[] end, int j, PlaceboRule rule, int draws, long seed) {
        if (draws < 0) {
            throw new IllegalArgumentException("placebo draws must be >= 0, got " + draws);
        }
        int[] offsets = offsets(start, end, j, rule);
        int m = offsets.length;
        int k = Math.min(draws, m);
        int length = end[j] - start[j];
        // A partial Fisher–Yates shuffle: the first k entries are k distinct offsets, uniformly drawn.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + j);
        List<Span> spans = new ArrayList<>(k);
        for (int r = 0; r < k; r++) {
            int pick = r + random.nextInt(m - r);
            int s = offsets[pick];
            offsets[pick] = offsets[r];
            offsets[r] = s;
            int first = rule == PlaceboRule.DISJOINT ? start[j] - length - s : start[j] - s;
            spans.add(new Span(j, r, s, first, first + length));
        }
        return spans;
    }

    /** The placebo spans of every sentence, sentence by sentence, each in draw order. */
    public static List<Span> all(int[] start, int[] end, PlaceboRule rule, int draws, long seed) {
        List<Span> spans = new ArrayList<>();
        for (int j = 0; j < start.length; j++) {
            spans.addAll(of(start, end, j, rule, draws, seed));
        }
        return spans;
    }

    private static void check(int[] start, int[] end) {
        if (start.length != end.length || start.length == 0) {
            throw new IllegalArgumentException(start.length + " starts and " + end.length + " ends");
        }
    }
}
