package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.compare.BlackBoxResult;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@link ReceiverHeadAnalysis} computes, per trace in input order.
 *
 * @param kurtosis       per trace, flat {@code [layers·heads]} excess kurtosis of the kurtosis-variant scores
 * @param receiverScores per trace, one receiver-head score per analysed sentence
 * @param labelIndex     per trace, the labelled chunk of each analysed sentence (−1 if none)
 * @param blackBox       empty when no trace has a step-importance matrix
 */
public record ReceiverHeadResult(List<String> traceIds, int layers, int heads, List<double[]> kurtosis,
                                 HeadRankingResult ranking, List<double[]> receiverScores, List<int[]> labelIndex,
                                 ReliabilityResult reliabilityAlternating, ReliabilityResult reliabilityByProblem,
                                 CategoryResult categories, Optional<BlackBoxResult> blackBox, List<String> warnings) {
    public ReceiverHeadResult {
        traceIds = List.copyOf(traceIds);
        kurtosis = List.copyOf(kurtosis);
        receiverScores = List.copyOf(receiverScores);
        labelIndex = List.copyOf(labelIndex);
        warnings = List.copyOf(warnings);
    }
}
