package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.TTestResult;

/**
 * Paired t-test of category A against B over traces having both; {@code tracesBeforeNaN} is the count the
 * reference prints (before traces with a NaN per-category value are dropped), {@code test.n()} the count used.
 *
 * @param cohensDz paired Cohen's d_z of A − B over the pairs the test used (its sign follows t)
 * @param pHolm    Holm-adjusted p over the family of unordered category pairs (docs/algorithms.md §9); the same in
 *                 (A, B) and (B, A)
 */
public record PairTest(String categoryA, String categoryB, int tracesBeforeNaN, TTestResult test, double cohensDz,
                       double pHolm) {
}
