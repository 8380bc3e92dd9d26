package io.thoughtanchors.analysis.attention;

/**
 * Options of a vertical-score computation (docs/algorithms.md §5).
 *
 * @param proximityIgnore k, in sentences: sentence j is scored from receivers i ≥ j + k (k = 0 keeps the diagonal)
 * @param dropEnds        PAPER-ERA {@code drop_first}: blank this many scores at both ends (0 = none)
 */
public record VerticalScoreOptions(int proximityIgnore, DepthControl depthControl, ScoreAggregate aggregate,
                                   int dropEnds, PseudoRegions pseudoRegions, ScoreScale scale) {

    public VerticalScoreOptions {
        if (proximityIgnore < 0 || dropEnds < 0) {
            throw new IllegalArgumentException("proximityIgnore and dropEnds must be ≥ 0");
        }
    }

    /** HEAD receiver-head defaults: k = 4, no depth control, mean. */
    public static VerticalScoreOptions head() {
        return new VerticalScoreOptions(4, DepthControl.NONE, ScoreAggregate.MEAN, 0, PseudoRegions.DROP_BOTH, ScoreScale.RAW);
    }

    public VerticalScoreOptions withProximityIgnore(int k) {
        return new VerticalScoreOptions(k, depthControl, aggregate, dropEnds, pseudoRegions, scale);
    }

    public VerticalScoreOptions withDepthControl(DepthControl d) {
        return new VerticalScoreOptions(proximityIgnore, d, aggregate, dropEnds, pseudoRegions, scale);
    }

    public VerticalScoreOptions withAggregate(ScoreAggregate a) {
        return new VerticalScoreOptions(proximityIgnore, depthControl, a, dropEnds, pseudoRegions, scale);
    }

    public VerticalScoreOptions withDropEnds(int d) {
        return new VerticalScoreOptions(proximityIgnore, depthControl, aggregate, d, pseudoRegions, scale);
    }

    public VerticalScoreOptions withPseudoRegions(PseudoRegions p) {
        return new VerticalScoreOptions(proximityIgnore, depthControl, aggregate, dropEnds, p, scale);
    }

    public VerticalScoreOptions withScale(ScoreScale s) {
        return new VerticalScoreOptions(proximityIgnore, depthControl, aggregate, dropEnds, pseudoRegions, s);
    }

    public String describe() {
        return "proximityIgnore=" + proximityIgnore + ", depthControl=" + depthControl + ", aggregate=" + aggregate
                + ", dropEnds=" + dropEnds + ", pseudoRegions=" + pseudoRegions + ", scale=" + scale;
    }
}
