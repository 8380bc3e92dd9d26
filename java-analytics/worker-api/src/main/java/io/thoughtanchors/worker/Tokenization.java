package io.thoughtanchors.worker;

import java.util.Arrays;
import java.util.List;

/**
 * Tokens as the model sees them (BOS included) with their character spans in UTF-16 code units
 * (BOS is (0, 0)), and, per requested prefix offset, the token count of {@code text[:offset]}.
 * Arrays are shared, not copied: treat them as read-only.
 */
public record Tokenization(int[] ids, int[] charStarts, int[] charEnds, int[] prefixTokenCounts,
                           List<String> tokens) {

    public Tokenization {
        tokens = List.copyOf(tokens);
        int n = ids.length;
        if (charStarts.length != n || charEnds.length != n || tokens.size() != n) {
            throw new IllegalArgumentException("tokenization of " + n + " ids has " + charStarts.length
                    + " starts, " + charEnds.length + " ends, " + tokens.size() + " token strings");
        }
        for (int i = 0; i < n; i++) {
            if (charStarts[i] < 0 || charEnds[i] < charStarts[i]) {
                throw new IllegalArgumentException("token " + i + " has character span ["
                        + charStarts[i] + ", " + charEnds[i] + ")");
            }
        }
    }

    public int size() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tokenization t && Arrays.equals(ids, t.ids) && Arrays.equals(charStarts, t.charStarts)
                && Arrays.equals(charEnds, t.charEnds) && Arrays.equals(prefixTokenCounts, t.prefixTokenCounts)
                && tokens.equals(t.tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Tokenization[" + ids.length + " tokens, " + prefixTokenCounts.length + " prefix counts]";
    }
}
