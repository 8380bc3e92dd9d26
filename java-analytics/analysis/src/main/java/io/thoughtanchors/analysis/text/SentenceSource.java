package io.thoughtanchors.analysis.text;

/** Which sentence list is analysed (docs/algorithms.md §2.2–2.3, docs/algorithms.md §14.1). */
public enum SentenceSource {
    /** HEAD: {@code split_solution_keep_spacing} of the chain of thought, n = n_lab − 1 (the final chunk is dropped). */
    HEAD_KEEP_SPACING,
    /**
     * ARENA / recommended: every chunk of the trace (the published labelled chunks, or the project's split of a
     * chain of thought of one's own), located in the model text.
     */
    ALL_LABELLED,
    /** PAPER-ERA: the splitter with the tail kept, ranges found in {@code solution} (the chain of thought on). */
    PAPER_SPLIT
}
