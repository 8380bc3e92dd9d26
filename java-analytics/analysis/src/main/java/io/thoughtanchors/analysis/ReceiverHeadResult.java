package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.compare.CounterfactualComparison;
import io.thoughtanchors.analysis.compare.ResamplingComparison;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@link ReceiverHeadAnalysis} computes, per trace in input order. The parts that need more than
 * attention are empty when the inputs cannot support them, and {@code notComputed} then says why.
 *
 * @param kurtosis       per trace, flat {@code [layers·heads]} excess kurtosis of the kurtosis-variant scores
 * @param receiverScores per trace, one receiver-head score per analysed sentence
 * @param labelIndex     per trace, the chunk of each analysed sentence (−1 if none)
 * @param notComputed    the reason of every absent part, in {@link AnalysisPart} order
 */
public record ReceiverHeadResult(List<String> traceIds, int layers, int heads, List<double[]> kurtosis,
                                 HeadRankingResult ranking, List<double[]> receiverScores, List<int[]> labelIndex,
                                 Optional<ReliabilityResult> reliabilityAlternating,
                                 Optional<ReliabilityResult> reliabilityByProblem, Optional<CategoryResult> categories,
                                 Optional<CounterfactualComparison> counterfactual,
                                 Optional<ResamplingComparison> resampling, Map<AnalysisPart, String> notComputed,
                                 List<String> warnings) {
    public ReceiverHeadResult {
        traceIds = List.copyOf(traceIds);
        kurtosis = List.copyOf(kurtosis);
        receiverScores = List.copyOf(receiverScores);
        labelIndex = List.copyOf(labelIndex);
        EnumMap<AnalysisPart, String> reasons = new EnumMap<>(AnalysisPart.class);
        reasons.putAll(notComputed);
        notComputed = Collections.unmodifiableMap(reasons);
        warnings = List.copyOf(warnings);
        requireReason(AnalysisPart.RELIABILITY_ALTERNATING, reliabilityAlternating, notComputed);
        requireReason(AnalysisPart.RELIABILITY_BY_PROBLEM, reliabilityByProblem, notComputed);
        requireReason(AnalysisPart.CATEGORIES, categories, notComputed);
        requireReason(AnalysisPart.COUNTERFACTUAL, counterfactual, notComputed);
        requireReason(AnalysisPart.RESAMPLING, resampling, notComputed);
    }

    /** A part is absent exactly when there is a reason for it. */
    private static void requireReason(AnalysisPart part, Optional<?> value, Map<AnalysisPart, String> reasons) {
        if (value.isPresent() == reasons.containsKey(part)) {
            throw new IllegalArgumentException(part.title + (value.isPresent() ? " is computed but has a reason"
                    : " is absent without a reason"));
        }
    }

    /** Why {@code part} was not computed, or empty when it was. */
    public Optional<String> notComputed(AnalysisPart part) {
        return Optional.ofNullable(notComputed.get(part));
    }
}
