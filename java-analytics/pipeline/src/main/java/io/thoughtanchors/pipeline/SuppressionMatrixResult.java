package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.suppression.SuppressionAveraging.CategoryPair;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistanceCurve;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.PairStat;
import io.thoughtanchors.data.LabeledChunk;
import io.thoughtanchors.pipeline.output.PublishedComparison;
import io.thoughtanchors.pipeline.suppression.TraceSuppression;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a suppression-matrix run computed, in memory, and where its files went.
 *
 * @param model          the worker's model
 * @param traces         every trace's matrices, in the order read
 * @param byDistance     the row-normalised matrices averaged by sentence distance
 * @param byCategoryPair the row-normalised matrices averaged by (receiving, suppressed) category
 * @param comparisons    ours against the published step_importance_supp.json, for traces that have one
 * @param passesComputed forward passes (variants) this run asked for, baselines included
 * @param passSeconds    wall time of all passes
 * @param files          every file written into the output folder, in order (run.json last)
 */
public record SuppressionMatrixResult(SuppressionMatrixRequest request, ModelInfo model, List<TraceMatrix> traces,
                                      DistanceCurve byDistance, Map<CategoryPair, PairStat> byCategoryPair,
                                      List<PublishedComparison> comparisons, int passesComputed, double passSeconds,
                                      Path outputDir, List<Path> files, List<String> warnings) {

    public SuppressionMatrixResult {
        traces = List.copyOf(traces);
        comparisons = List.copyOf(comparisons);
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /**
     * One trace's matrices: {@code raw} is E (row = receiving sentence i, column = suppressed sentence j, every
     * cell), {@code normalised} has {@code j ≥ i} masked and each row's mean subtracted.
     */
    public record TraceMatrix(TracePlan plan, TraceSuppression.Result passes, double[][] raw, double[][] normalised) {

        public String traceId() {
            return plan.id();
        }

        /** The labelled chunk of each analysed sentence (−1 if none). */
        public int[] labelIndex() {
            return passes.input().input().ranges().labelIndex();
        }

        /** Each analysed sentence's category ("unlabelled" without a labelled chunk). */
        public List<String> tags() {
            return Arrays.stream(labelIndex()).mapToObj(l -> chunk(l).map(LabeledChunk::primaryTag)
                    .orElse("unlabelled")).toList();
        }

        /** Each analysed sentence's labelled chunk text ("" without one). */
        public List<String> texts() {
            return Arrays.stream(labelIndex()).mapToObj(l -> chunk(l).map(LabeledChunk::chunk).orElse("")).toList();
        }

        private Optional<LabeledChunk> chunk(int label) {
            return label >= 0 && label < plan.trace().numLabeled() ? Optional.of(plan.trace().chunks().get(label))
                    : Optional.empty();
        }
    }

    public double passesPerSecond() {
        return passesComputed / passSeconds;
    }
}
