package io.thoughtanchors.analysis.taxonomy;

/**
 * One analysed sentence: its trace ({@code pn_ci}), the trace's problem (traces of one problem share it; the bootstrap
 * of the category means draws problems), category tag and score.
 */
public record SentenceScore(int traceId, int problem, String tag, double score) {
}
