package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.suppression.PlaceboComparison;
import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.CategoryPair;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistanceCurve;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.PairStat;
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
 * @param byCategoryPair the row-normalised matrices averaged by (receiving, suppressed) category, over the traces
 *                       with sentence categories; empty when none has them
 * @param notComputed    why each absent result is absent, by the name run.json gives it
 * @param comparisons    ours against the published step_importance_supp.json, for traces that have one
 * @param passesComputed forward passes (variants) this run asked for, baselines included
 * @param passSeconds    wall time of all passes
 * @param files          every file written into the output folder, in order (run.json last)
 */
public record SuppressionMatrixResult(SuppressionMatrixRequest request, ModelInfo model, List<TraceMatrix> traces,
                                      DistanceCurve byDistance, Optional<Map<CategoryPair, PairStat>> byCategoryPair,
                                      Map<String, String> notComputed, List<PublishedComparison> comparisons, int passesComputed, double passSeconds,
                                      Path outputDir, List<Path> files, List<String> warnings) {

    public SuppressionMatrixResult {
        traces = List.copyOf(traces);
        notComputed = Map.copyOf(notComputed);
        comparisons = List.copyOf(comparisons);
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /**
     * One trace's matrices: {@code raw} is E (row = receiving sentence i, column = suppressed sentence j, every
     * cell), {@code normalised} has {@code j ≥ i} masked and each row's mean subtracted.
     */
    public record TraceMatrix(TracePlan plan, TraceSuppression.Result passes, double[][] raw, double[][] normalised,
                              Optional<TracePlacebo> placebo) {

        public String traceId() {
            return plan.id();
        }

        /** The labelled chunk of each analysed sentence (−1 if none). */
        public int[] labelIndex() {
            return passes.input().input().ranges().labelIndex();
        }

        /** Each analysed sentence's category ("unlabelled" without one: the label of the averages' table). */
        public List<String> tags() {
            return Arrays.stream(labelIndex()).mapToObj(l -> plan.trace().category(l).orElse("unlabelled")).toList();
        }

        /** Each analysed sentence's chunk text ("" without one: the published format's source text). */
        public List<String> texts() {
            List<String> chunks = plan.trace().chunks();
            return Arrays.stream(labelIndex()).mapToObj(l -> l >= 0 && l < chunks.size() ? chunks.get(l) : "").toList();
        }
    }

    /**
     * A trace's placebo suppressions (docs/algorithms.md §12.9): the spans, each span's cells
     * ({@code values.get(s)[i]}, receiving sentence i), every compared cell below the diagonal and their summary.
     */
    public record TracePlacebo(List<PlaceboSpans.Span> spans, List<double[]> values,
                               List<PlaceboComparison.Cell> cells, PlaceboComparison.Summary summary) {

        public TracePlacebo {
            spans = List.copyOf(spans);
            values = List.copyOf(values);
            cells = List.copyOf(cells);
        }
    }

    /** The placebo summary over every trace's compared cells; empty when the run had no placebos. */
    public Optional<PlaceboComparison.Summary> placeboSummary() {
        if (!request.placebo().on()) {
            return Optional.empty();
        }
        return Optional.of(PlaceboComparison.summary(traces.stream().flatMap(t -> t.placebo().stream())
                .flatMap(p -> p.cells().stream()).toList()));
    }

    public double passesPerSecond() {
        return passesComputed / passSeconds;
    }
}
