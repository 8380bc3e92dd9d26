package io.thoughtanchors.analysis.taxonomy;

/** One analysed sentence: its trace ({@code pn_ci}), category tag and score. */
public record SentenceScore(int traceId, String tag, double score) {
}
