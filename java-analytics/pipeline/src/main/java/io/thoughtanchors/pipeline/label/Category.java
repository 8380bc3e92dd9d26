package io.thoughtanchors.pipeline.label;

import java.util.Arrays;
import java.util.Optional;

/**
 * The function a sentence serves in a chain of thought: the eight categories of the paper's Figure 5 and
 * {@code unknown}. The definitions are the project's own wording; they are what the labelling prompt shows the model.
 */
public enum Category {
    PROBLEM_SETUP("problem_setup",
            "Restates, parses or rephrases the problem: what is given, what is asked, what the symbols mean."),
    PLAN_GENERATION("plan_generation",
            "Decides what to do next or how to approach the problem: states a strategy, proposes a method or a"
                    + " sub-goal, chooses between approaches."),
    FACT_RETRIEVAL("fact_retrieval",
            "Recalls a fact, definition, formula or theorem from memory, without computing anything with it yet."),
    ACTIVE_COMPUTATION("active_computation",
            "Carries out a calculation or manipulation: arithmetic, algebra, substitution, counting, case work."),
    UNCERTAINTY_MANAGEMENT("uncertainty_management",
            "Expresses doubt or confusion, notices a possible mistake, re-evaluates, backtracks or switches approach"
                    + " because something seems off."),
    RESULT_CONSOLIDATION("result_consolidation",
            "Gathers intermediate results into a conclusion, summarises progress or simplifies what has been found"
                    + " so far."),
    SELF_CHECKING("self_checking",
            "Verifies an earlier step or result: recomputes it another way, tests it on an example, checks it"
                    + " against the conditions."),
    FINAL_ANSWER_EMISSION("final_answer_emission",
            "States the final answer (for example in \\boxed{})."),
    UNKNOWN("unknown",
            "Fits none of the categories above.");

    private final String wireName;
    private final String definition;

    Category(String wireName, String definition) {
        this.wireName = wireName;
        this.definition = definition;
    }

    /** The name in {@code function_tags} of chunks_labeled.json and ta-trace/1. */
    public String wireName() {
        return wireName;
    }

    public String definition() {
        return definition;
    }

    public static Optional<Category> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
