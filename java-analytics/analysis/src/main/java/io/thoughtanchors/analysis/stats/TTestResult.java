package io.thoughtanchors.analysis.stats;

/** A two-sided paired t-test: statistic, p-value, degrees of freedom and the number of pairs used. */
public record TTestResult(double t, double p, int df, int n) {
}
