package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.suppression.PlaceboComparison;
import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.analysis.suppression.SuppFormat;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.SuppressionMatrixResult.TraceMatrix;
import io.thoughtanchors.pipeline.SuppressionMatrixResult.TracePlacebo;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.output.PublishedComparison;
import io.thoughtanchors.pipeline.output.SuppressionRunReport;
import io.thoughtanchors.pipeline.output.SuppressionTables;
import io.thoughtanchors.pipeline.suppression.KlColumns;
import io.thoughtanchors.pipeline.suppression.PassExecutor;
import io.thoughtanchors.pipeline.suppression.SuppressionInputs;
import io.thoughtanchors.pipeline.suppression.SuppressionKey;
import io.thoughtanchors.pipeline.suppression.SuppressionStore;
import io.thoughtanchors.pipeline.suppression.TraceSuppression;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A suppression-matrix run (docs/algorithms.md §12): per trace a baseline pass and one pass per suppressed sentence, stored as
 * they finish; then the matrices, their averages and the comparison with published matrices, written to the
 * output folder with run.json last.
 */
final class SuppressionMatrixRun {

    /** A matrix of one sentence has no entry below its diagonal: nothing to normalise, average or draw. */
    static final int MIN_SENTENCES = 2;
    /** The averages that need sentence categories, as run.json names them. */
    static final String BY_CATEGORY_PAIR = "averages by category pair";

    /** What the worker must be able to do (and {@link Kernel#CAPABILITY} for the MONKEYPATCH kernel). */
    static final List<String> CAPABILITIES = List.of("logits.nucleus", "suppression.all_heads");

    private SuppressionMatrixRun() {
    }

    static SuppressionMatrixResult run(SuppressionMatrixRequest request, OutputFolder output,
                                       WorkerConnector connector, RunEvents events) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        TraceSuppression.Settings requested = new TraceSuppression.Settings(request.nucleus(),
                request.fullRecompute(), request.variantsPerCall(), request.batchSize(), request.kl().temperature(),
                request.kernel());
        List<String> capabilities = request.kernel().requiredCapabilities(CAPABILITIES);
        int inFlight = request.effectiveParallel();
        Inputs.Kept kept = Inputs.withAtLeast(Inputs.plans(Inputs.read(request.data(), request.dataOptions(), events),
                request.options()), MIN_SENTENCES, "a suppression matrix", "each entry is a sentence's response to"
                + " suppressing an earlier one", events);
        List<TracePlan> plans = kept.plans();
        long t1 = System.nanoTime();
        output.create();
        Path cacheRoot = AttentionCache.root(request.cache().orElse(null), output.dir());
        List<TraceSuppression.Result> results = new ArrayList<>();
        ModelInfo model;
        TraceSuppression.Settings settings;
        Map<String, Object> workerJson;
        try (WorkerLink link = new WorkerLink(request.worker(), connector, output.resolve("worker.log"),
                capabilities, events::warning);
             PassExecutor executor = new PassExecutor(link.worker(), inFlight);
             StageProgress progress = new StageProgress(events, Stage.SUPPRESSION,
                     plans.stream().mapToLong(p -> p.layout().size() + 1L).sum())) {
            model = link.info();
            settings = requested.forWorker(model);
            SuppressionInputs inputs = new SuppressionInputs(link.worker(), model, request.options(),
                    new AttentionCache(cacheRoot, events::warning));
            TraceSuppression runner = new TraceSuppression(link, settings, request.placebo(), inputs, executor,
                    progress, events);
            for (TracePlan plan : plans) {
                SuppressionKey key = new SuppressionKey(model.modelId(), model.dtype(), model.backend(),
                        request.options().sentenceSource(), request.options().boundaryMode(),
                        request.options().truncation(), settings.nucleus(), settings.klTemperature(),
                        settings.fullRecompute(), settings.kernel(), plan.textSha256());
                results.add(runner.run(plan, new SuppressionStore(cacheRoot, key, events::warning)));
            }
            workerJson = link.runJson();
            workerJson.put("parallel", inFlight);
        }
        long t2 = System.nanoTime();
        List<TraceMatrix> matrices = results.stream().map(r -> matrices(r, request)).toList();
        SuppressionAveraging.DistanceCurve byDistance = SuppressionAveraging.byDistance(
                matrices.stream().map(TraceMatrix::normalised).toList(), request.distancePooling());
        // Category pairs need sentence categories: only the labelled traces take part.
        List<SuppressionAveraging.TraceMatrix> labelled = matrices.stream()
                .filter(m -> m.plan().trace().labels().isPresent())
                .map(m -> new SuppressionAveraging.TraceMatrix(m.traceId(), m.normalised(), m.tags())).toList();
        Map<String, String> notComputed = new LinkedHashMap<>();
        Optional<Map<SuppressionAveraging.CategoryPair, SuppressionAveraging.PairStat>> byCategoryPair = Optional.empty();
        if (labelled.isEmpty()) {
            notComputed.put(BY_CATEGORY_PAIR, "no trace has sentence categories (the function_tags of"
                    + " chunks_labeled.json, or the labels of a trace file)");
        } else {
            byCategoryPair = Optional.of(SuppressionAveraging.byCategoryPair(labelled,
                    request.effectiveCategoryAggregate(), request.categoryMinEntries()));
            if (labelled.size() < matrices.size()) {
                events.warning((matrices.size() - labelled.size()) + " of " + matrices.size() + " traces have no"
                        + " sentence categories and are left out of the averages by category pair");
            }
        }
        List<PublishedComparison> comparisons = writeResults(output, matrices, byDistance, byCategoryPair,
                model.syntheticWeights());
        comparisons.forEach(c -> NanWarnings.comparison(c).ifPresent(events::warning));
        long t3 = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("read_traces", ReceiversRun.seconds(t0, t1));
        timings.put("passes", ReceiversRun.seconds(t1, t2));
        timings.put("matrices_and_results", ReceiversRun.seconds(t2, t3));
        timings.put("total", ReceiversRun.seconds(t0, t3));
        SuppressionRunReport report = new SuppressionRunReport(started, request.data().toAbsolutePath().normalize(),
                request.dataOptions(), output.dir(), cacheRoot, workerJson, model, request.profile(), request.options(),
                request.kl(), settings, request.placebo(), inFlight, request.distancePooling(), request.effectiveCategoryAggregate(),
                request.categoryMinEntries(), results, kept.leftOut(), notComputed, timings, events.warnings());
        output.write(OutputFolder.RUN_JSON, Json.write(report.toJson()));
        return new SuppressionMatrixResult(request, model, matrices, byDistance, byCategoryPair, notComputed,
                comparisons, report.computedPasses(), report.passSeconds(), output.dir(), output.written(),
                events.warnings());
    }

    private static TraceMatrix matrices(TraceSuppression.Result r, SuppressionMatrixRequest request) {
        double[][] raw = KlColumns.matrix(r.plan().id(), r.baseline(), r.input().input(), r.columns(), request.kl());
        Optional<TracePlacebo> placebo = Optional.empty();
        if (request.placebo().on()) {
            List<double[]> values = KlColumns.placeboCells(r.plan().id(), r.baseline(), r.input().input(),
                    r.placeboSpans(), r.placeboColumns(), request.kl());
            List<PlaceboComparison.Cell> cells = PlaceboComparison.cells(raw, values, r.placeboSpans(),
                    r.input().input().ranges().start(), r.input().input().ranges().end(), request.kl().takeLog());
            placebo = Optional.of(new TracePlacebo(r.placeboSpans(), values, cells, PlaceboComparison.summary(cells)));
        }
        return new TraceMatrix(r.plan(), r, raw, RowNormalisation.normalise(raw), placebo);
    }

    private static List<PublishedComparison> writeResults(OutputFolder output, List<TraceMatrix> matrices,
                                                          SuppressionAveraging.DistanceCurve byDistance,
                                                          Optional<Map<SuppressionAveraging.CategoryPair,
                                                                  SuppressionAveraging.PairStat>> byCategoryPair,
                                                          boolean synthetic) {
        List<PublishedComparison> comparisons = new ArrayList<>();
        for (TraceMatrix m : matrices) {
            String dir = m.traceId() + "/";
            output.write(dir + "suppression_matrix.csv", SuppressionTables.matrix("E", m.raw()).csv());
            output.write(dir + "suppression_matrix_normalised.csv",
                    SuppressionTables.matrix("E_normalised", m.normalised()).csv());
            output.write(dir + "step_importance_supp.json", SuppFormat.toJson(m.normalised(), m.texts()));
            m.placebo().ifPresent(p -> {
                output.write(dir + SuppressionTables.PLACEBO_FILE, SuppressionTables.placebo(p.spans(), p.values()).csv());
                output.write(dir + SuppressionTables.VS_PLACEBO_FILE, SuppressionTables.vsPlacebo(p.cells()).csv());
            });
            m.plan().trace().stepImportanceSupp().ifPresent(published -> {
                PublishedComparison c = PublishedComparison.of(m.traceId(), m.normalised(), m.labelIndex(),
                        published);
                comparisons.add(c);
                output.write(dir + "published_comparison.json", Json.write(c.toJson(synthetic)));
            });
        }
        output.write("suppression_by_distance.csv", SuppressionTables.byDistance(byDistance).csv());
        output.write("suppression_by_category_pair.csv", SuppressionTables.byCategoryPair(byCategoryPair.orElse(Map.of()))
                .csv());
        if (matrices.stream().anyMatch(m -> m.placebo().isPresent())) {
            Map<String, PlaceboComparison.Summary> byTrace = new LinkedHashMap<>();
            matrices.forEach(m -> m.placebo().ifPresent(p -> byTrace.put(m.traceId(), p.summary())));
            output.write("suppression_placebo_summary.csv", SuppressionTables.placeboSummary(byTrace,
                    PlaceboComparison.summary(matrices.stream().flatMap(m -> m.placebo().stream())
                            .flatMap(p -> p.cells().stream()).toList())).csv());
        }
        if (!comparisons.isEmpty()) {
            output.write("published_comparison.csv", SuppressionTables.comparisons(comparisons).csv());
        }
        return comparisons;
    }
}
