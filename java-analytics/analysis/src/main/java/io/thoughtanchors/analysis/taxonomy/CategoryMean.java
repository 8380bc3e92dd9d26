package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.ClusterBootstrap;

/**
 * The mean of one category's per-trace values over the traces having one, with its problem-level bootstrap interval
 * (docs/algorithms.md §9): {@code interval.values()} traces of {@code interval.clusters()} problems.
 */
public record CategoryMean(String category, ClusterBootstrap.Interval interval) {
}
