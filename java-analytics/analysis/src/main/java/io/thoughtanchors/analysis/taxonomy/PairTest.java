package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.TTestResult;

/**
 * Paired t-test of category A against B over traces having both; {@code tracesBeforeNaN} is the count the
 * reference prints (before traces with a NaN per-category value are dropped), {@code test.n()} the count used.
 */
public record PairTest(String categoryA, String categoryB, int tracesBeforeNaN, TTestResult test) {
}
