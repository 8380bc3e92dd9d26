package io.thoughtanchors.analysis.attention;

/** Rows/columns of a pooled matrix: sentences only, or prompt + sentences + output (PAPER-ERA, docs/algorithms.md §4.3). */
public enum RegionLayout {
    SENTENCES,
    PROMPT_SENTENCES_OUTPUT;

    public int extraRegions() {
        return this == SENTENCES ? 0 : 2;
    }
}
