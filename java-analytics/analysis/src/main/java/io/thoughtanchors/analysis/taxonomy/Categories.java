package io.thoughtanchors.analysis.taxonomy;

import java.util.List;

/** Sentence categories of Figure 5 (docs/algorithms.md §9). */
public final class Categories {
    /** Analysed categories, in figure order. */
    public static final List<String> FIGURE_ORDER = List.of("plan_generation", "fact_retrieval", "active_computation",
            "uncertainty_management", "result_consolidation", "self_checking");

    /** Categories excluded from the receiver-vs-resampling comparison (docs/algorithms.md §10.3). */
    public static final List<String> COMPARISON_EXCLUDED = List.of("problem_setup", "final_answer_emission");

    private Categories() {
    }
}
