package io.thoughtanchors.analysis.text;

/** Whether long traces are cut before the forward pass (docs/algorithms.md §3.5). */
public enum Truncation {
    NONE,
    /**
     * PAPER-ERA "semi": when the text has more than 4000 tokens keep the sentences up to the last one ending at
     * or before token 3744 and feed the text up to 256 characters past that sentence. Shorter texts are kept
     * whole (the paper's convergence-flag branch needs a field the public data lacks).
     */
    PAPER_SEMI;

    static final int SEMI_TOKEN_LIMIT = 4000;
    static final int SEMI_LAST_END = 4000 - 256;
    static final int SEMI_EXTRA_CHARS = 256;
}
