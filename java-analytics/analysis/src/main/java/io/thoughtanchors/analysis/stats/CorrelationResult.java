package io.thoughtanchors.analysis.stats;

/** A correlation coefficient with its two-sided p-value and the number of pairs used. */
public record CorrelationResult(double r, double p, int n) {
    public static CorrelationResult undefined(int n) {
        return new CorrelationResult(Double.NaN, Double.NaN, n);
    }
}
