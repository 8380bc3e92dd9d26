package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.compare.BlackBoxResult;
import io.thoughtanchors.analysis.compare.Trim;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.reliability.SplitMode;
import io.thoughtanchors.pipeline.output.PublishedComparison;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A warning for every NaN a run's summary shows, saying why it is NaN (one trace has no halves to correlate, a
 * trimmed mean of two values has nothing left), so that a NaN is never left to guess.
 */
final class NanWarnings {

    private NanWarnings() {
    }

    /** The split-half reliabilities and the black-box summary of a receivers run. */
    static List<String> receivers(ReceiverHeadResult r, AnalysisOptions options) {
        List<String> warnings = new ArrayList<>();
        for (ReliabilityResult x : List.of(r.reliabilityAlternating(), r.reliabilityByProblem())) {
            reliability(x).ifPresent(warnings::add);
        }
        r.blackBox().flatMap(b -> blackBox(b, options.comparisonTrim())).ifPresent(warnings::add);
        return warnings;
    }

    private static Optional<String> reliability(ReliabilityResult x) {
        if (Double.isFinite(x.pearson().r()) && Double.isFinite(x.spearman().r())) {
            return Optional.empty();
        }
        String what = "split-half reliability (" + x.mode().name().toLowerCase(Locale.ROOT) + ") is NaN: ";
        if (x.tracesFirst() == 0 || x.tracesSecond() == 0) {
            return Optional.of(what + (x.mode() == SplitMode.BY_PROBLEM
                    ? "it splits by problem and needs traces of at least two problems"
                    : "it splits the traces in two and needs at least two") + "; this run has "
                    + (x.tracesFirst() + x.tracesSecond()) + " trace(s)");
        }
        return Optional.of(what + "it correlates mean kurtosis over heads finite in both halves, and "
                + x.pearson().n() + " head(s) are, fewer than the 3 a correlation needs, or one half is constant");
    }

    private static Optional<String> blackBox(BlackBoxResult b, Trim trim) {
        if (Double.isFinite(b.mean()) && Double.isFinite(b.ciLow()) && Double.isFinite(b.ciHigh())) {
            return Optional.empty();
        }
        long finite = Arrays.stream(b.residualSpearman()).filter(Double::isFinite).count();
        String what = "the black-box mean residual Spearman and its CI are NaN: ";
        if (finite == 0) {
            return Optional.of(what + "no trace has a per-trace correlation (each needs 3 sentences with"
                    + " a receiver score and resampling importance, and some spread)");
        }
        return Optional.of(what + (trim == Trim.MIN_AND_MAX
                ? "the paper's trimmed mean drops the lowest and the highest per-trace correlation, and " + finite
                        + " of the " + b.traceIds().size() + " trace(s) have one, which leaves none"
                : finite + " trace(s) have a per-trace correlation"));
    }

    /** A published comparison printed with NaN correlations. */
    static Optional<String> comparison(PublishedComparison c) {
        if (Double.isFinite(c.pearson().r()) && Double.isFinite(c.spearman().r())) {
            return Optional.empty();
        }
        return Optional.of("the comparison of " + c.traceId() + " with its published matrix is NaN: it"
                + " correlates " + c.pairs() + " cell(s) both matrices hold, fewer than the 3 a correlation needs, or"
                + " one side is constant");
    }
}
