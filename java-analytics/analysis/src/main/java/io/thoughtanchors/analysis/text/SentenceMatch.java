package io.thoughtanchors.analysis.text;

/** How a sentence string is located in the model text (docs/algorithms.md §2.4). */
public enum SentenceMatch {
    /** HEAD: exact find after space normalisation ν, then the stripped sentence; otherwise an error. */
    EXACT_OR_STRIPPED,
    /**
     * Recommended: as {@link #EXACT_OR_STRIPPED}, then a regex in which every whitespace run of the stripped
     * sentence matches {@code \s+} (labelled chunks that were merged with a space where the text has a newline).
     */
    WHITESPACE_REGEX_FALLBACK
}
