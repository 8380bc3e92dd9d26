package io.thoughtanchors.analysis.text;

/** Which sentence list is analysed (spec §2.2–2.4, §16.1). */
public enum SentenceSource {
    /** HEAD: {@code split_solution_keep_spacing(full_cot)}, n = n_lab − 1 (the final chunk is dropped). */
    HEAD_KEEP_SPACING,
    /** ARENA / recommended: all n_lab {@code chunks_labeled} strings, located in {@code full_cot}. */
    ALL_LABELLED,
    /** PAPER-ERA: the splitter with the tail kept, ranges found in {@code solution} and shifted by the prompt. */
    PAPER_SPLIT
}
