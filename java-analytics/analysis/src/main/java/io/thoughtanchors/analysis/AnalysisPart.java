package io.thoughtanchors.analysis;

/**
 * The parts of a receiver-head analysis that need more than attention, and so may be absent: each one missing is
 * reported as "not computed: <reason>" (terminal summary, run.json, results.json, the report page).
 */
public enum AnalysisPart {
    RELIABILITY_ALTERNATING("split-half reliability (alternating)"),
    RELIABILITY_BY_PROBLEM("split-half reliability (by problem)"),
    CATEGORIES("receiver scores by category (Figure 5)"),
    COUNTERFACTUAL("receiver scores against counterfactual importance"),
    RESAMPLING("receiver scores against the resampling matrix (residualised Spearman)");

    /** How messages and files name the part. */
    public final String title;

    AnalysisPart(String title) {
        this.title = title;
    }
}
