package io.thoughtanchors.report;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a token-level head view draws (docs/algorithms.md §4.6): a short text's tokens and, for each chosen head, its
 * attention exactly as the worker computed it (float32, query × key, row-major; a causal model gives the keys after
 * a query zero weight, and each row sums to 1 over the keys up to and including its query).
 *
 * @param modelId          what the worker serves
 * @param syntheticWeights seeded random weights: the pattern checks the pipeline, not the science
 * @param notes            what the worker says of its model (may be empty)
 * @param text             the text as given; the tokens' character spans index it
 */
public record HeadView(String modelId, String dtype, boolean syntheticWeights, String notes, String text,
                       List<Token> tokens, List<HeadMatrix> heads) {

    /**
     * The most tokens (BOS included) a token view stays readable with: at 200 the matrix cells are a few pixels and
     * the labels hover-only. Longer texts belong in the sentence-level report.
     */
    public static final int MAX_TOKENS = 200;

    /**
     * One token: its id, its character span in the text (UTF-16 units, empty for BOS and other added tokens), and
     * the label the page shows for it.
     */
    public record Token(int id, int charStart, int charEnd, String label) {
        public Token {
            Objects.requireNonNull(label, "label");
            if (charStart < 0 || charEnd < charStart) {
                throw new IllegalArgumentException("token " + id + " has the span [" + charStart + ", " + charEnd + ")");
            }
        }

        /**
         * A token labelled by the text it covers, whitespace and control characters made visible; a token that
         * covers no text (BOS) by the tokenizer's own string for it.
         */
        public static Token of(int id, String text, int charStart, int charEnd, String tokenString) {
            String covered = text.substring(charStart, charEnd);
            return new Token(id, charStart, charEnd, covered.isEmpty()
                    ? (tokenString.isEmpty() ? "∅" : tokenString) : readable(covered));
        }
    }

    /** One head's weights, {@code weights[q·n + k]} the attention of query token q on key token k. */
    public record HeadMatrix(int layer, int head, float[] weights) {
        public HeadMatrix {
            if (layer < 0 || head < 0) {
                throw new IllegalArgumentException("layer " + layer + " head " + head);
            }
            Objects.requireNonNull(weights, "weights");
        }

        public float get(int size, int query, int key) {
            return weights[query * size + key];
        }

        /** "L1 H2", as the page and the CLI name heads. */
        public String label() {
            return "L" + layer + " H" + head;
        }
    }

    public HeadView {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(text, "text");
        tokens = List.copyOf(tokens);
        heads = List.copyOf(heads);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("a head view needs at least one token");
        }
        if (tokens.size() > MAX_TOKENS) {
            throw new IllegalArgumentException(tooLong(tokens.size()));
        }
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("a head view needs at least one head");
        }
        int n = tokens.size();
        Set<String> seen = new HashSet<>();
        for (HeadMatrix m : heads) {
            if (m.weights().length != n * n) {
                throw new IllegalArgumentException(m.label() + " has " + m.weights().length + " weights for " + n
                        + " tokens");
            }
            for (int q = 0; q < n; q++) {
                for (int k = q + 1; k < n; k++) {
                    if (m.get(n, q, k) != 0f) {
                        throw new IllegalArgumentException(m.label() + " is not causal: query " + q + " gives key " + k
                                + " the weight " + m.get(n, q, k));
                    }
                }
            }
            if (!seen.add(m.label())) {
                throw new IllegalArgumentException(m.label() + " is given twice");
            }
        }
        for (Token t : tokens) {
            if (t.charEnd() > text.length()) {
                throw new IllegalArgumentException("token " + t.id() + " ends at " + t.charEnd() + " of a "
                        + text.length() + "-character text");
            }
        }
    }

    public int size() {
        return tokens.size();
    }

    /** Why a text of {@code tokens} tokens gets no token view, in one line that says where to go instead. */
    public static String tooLong(int tokens) {
        return "the text has " + tokens + " tokens (BOS included), more than the " + MAX_TOKENS + " a token-level"
                + " head view shows readably: for longer texts use the sentence-level report (ta receivers, ta report)";
    }

    /** Spaces as ·, line breaks as ↵, tabs as →, other control and invisible characters as ⟨U+XXXX⟩. */
    static String readable(String text) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        text.codePoints().forEach(c -> {
            switch (c) {
                case ' ' -> out.append('·');
                case '\n' -> out.append('↵');
                case '\t' -> out.append('→');
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SPACE_SEPARATOR
                            || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("⟨U+%04X⟩", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
