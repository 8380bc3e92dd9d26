package io.thoughtanchors.analysis.attention;

/**
 * For PAPER-ERA matrices with prompt/output regions: which of them take part in the vertical-score computation
 * ({@code ignore_prompt}, {@code ignore_out}). Scores are returned for sentences only; a kept prompt or output
 * region contributes as a row (receiver) and, for the prompt, as a rankable column.
 */
public enum PseudoRegions {
    /** Paper default ({@code ignore_prompt=True, ignore_out=True}). */
    DROP_BOTH,
    KEEP_PROMPT,
    KEEP_OUTPUT,
    KEEP_BOTH;

    boolean keepPrompt() {
        return this == KEEP_PROMPT || this == KEEP_BOTH;
    }

    boolean keepOutput() {
        return this == KEEP_OUTPUT || this == KEEP_BOTH;
    }
}
