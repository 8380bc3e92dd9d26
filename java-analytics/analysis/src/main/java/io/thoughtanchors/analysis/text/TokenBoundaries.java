package io.thoughtanchors.analysis.text;

import java.util.Arrays;
import java.util.List;

/** Converts a {@link SentenceLayout} into token ranges with a {@link BoundaryMode} and {@link Truncation} (docs/algorithms.md §3). */
public final class TokenBoundaries {
    private static final String PERCENT_DOT = "%.";

    private TokenBoundaries() {
    }

    public static TokenRanges build(String text, SentenceLayout layout, BoundaryMode mode, Truncation truncation,
                                    TokenCounter counter) {
        int n = layout.size();
        int[] cs = new int[n];
        int[] ce = new int[n];
        List<CharSpan> spans = layout.spans();
        for (int i = 0; i < n; i++) {
            cs[i] = spans.get(i).start();
            ce[i] = spans.get(i).end();
        }
        int[] a;
        int[] b;
        int[] keep;
        switch (mode) {
            case HEAD_PREFIX_COUNT -> {
                int[][] ab = prefixRanges(text, cs, ce, counter);
                a = ab[0];
                b = ab[1];
                keep = allIndices(n);
            }
            case PAPER_SHIFTED_PREFIX -> {
                for (int i = 0; i < n; i++) {
                    cs[i] -= i > 0 ? 1 : 0;
                    ce[i] -= 1;
                }
                int[][] ab = prefixRanges(text, cs, ce, counter);
                if (applyPercentDotRule(counter.tokenize(text).tokens(), ab, cs, ce)) {
                    ab = prefixRanges(text, cs, ce, counter);
                }
                a = ab[0];
                b = ab[1];
                keep = Arrays.stream(allIndices(n)).filter(i -> b[i] - a[i] > 1).toArray();
            }
            case OFFSETS -> {
                int[][] ab = offsetRanges(counter.tokenize(text), cs, ce);
                a = ab[0];
                b = ab[1];
                keep = allIndices(n);
            }
            default -> throw new IllegalStateException("unknown mode " + mode);
        }
        int textLength = text.length();
        int numTokens = counter.prefixTokenCounts(text, new int[] {textLength})[0];
        if (truncation == Truncation.PAPER_SEMI && numTokens > Truncation.SEMI_TOKEN_LIMIT) {
            int last = -1;
            for (int k = 0; k < keep.length; k++) {
                if (b[keep[k]] <= Truncation.SEMI_LAST_END) {
                    last = k;
                }
            }
            keep = Arrays.copyOf(keep, last + 1);
            textLength = last < 0 ? 0 : Math.min(text.length(), ce[keep[last]] + Truncation.SEMI_EXTRA_CHARS);
            numTokens = counter.prefixTokenCounts(text, new int[] {textLength})[0];
        }
        int[] label = new int[keep.length];
        int[] s = new int[keep.length];
        int[] e = new int[keep.length];
        for (int k = 0; k < keep.length; k++) {
            label[k] = layout.labelIndex()[keep[k]];
            s[k] = a[keep[k]];
            e[k] = b[keep[k]];
        }
        return new TokenRanges(keep.clone(), label, s, e, textLength, numTokens);
    }

    /** HEAD prefix counting: one batched call for all starts and ends; position 0 counts as 0 tokens. */
    private static int[][] prefixRanges(String text, int[] cs, int[] ce, TokenCounter counter) {
        int n = cs.length;
        int[] pos = new int[2 * n];
        System.arraycopy(cs, 0, pos, 0, n);
        System.arraycopy(ce, 0, pos, n, n);
        int[] counts = counter.prefixTokenCounts(text, pos);
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = cs[i] > 0 ? counts[i] : 0;
            b[i] = counts[n + i];
        }
        return new int[][] {a, b};
    }

    /**
     * PAPER-ERA rule: a sentence whose tokens include {@code "%."} ends one character later, and the next sentence
     * starts one character later. Returns whether any span changed.
     */
    private static boolean applyPercentDotRule(String[] tokens, int[][] ab, int[] cs, int[] ce) {
        boolean changed = false;
        for (int i = 0; i < cs.length; i++) {
            for (int t = Math.max(ab[0][i], 0); t < Math.min(ab[1][i], tokens.length); t++) {
                if (PERCENT_DOT.equals(tokens[t])) {
                    ce[i] += 1;
                    if (i + 1 < cs.length) {
                        cs[i + 1] += 1;
                    }
                    changed = true;
                    break;
                }
            }
        }
        return changed;
    }

    /**
     * Recommended mode: {@code a_i} = first token whose character end exceeds the sentence start;
     * {@code b_i = a_{i+1}}; the last sentence ends at the first token starting at or after its end.
     */
    private static int[][] offsetRanges(TokenOffsets tok, int[] cs, int[] ce) {
        int n = cs.length;
        int size = tok.size();
        int[] a = new int[n];
        int[] b = new int[n];
        int t = 1; // skip BOS
        for (int i = 0; i < n; i++) {
            while (t < size && tok.ends()[t] <= cs[i]) {
                t++;
            }
            a[i] = t;
        }
        for (int i = 0; i + 1 < n; i++) {
            b[i] = a[i + 1];
        }
        if (n > 0) {
            int u = a[n - 1];
            while (u < size && tok.starts()[u] < ce[n - 1]) {
                u++;
            }
            b[n - 1] = u;
        }
        return new int[][] {a, b};
    }

    private static int[] allIndices(int n) {
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return idx;
    }
}
