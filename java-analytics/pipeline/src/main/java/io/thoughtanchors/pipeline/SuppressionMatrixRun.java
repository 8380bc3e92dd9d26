package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.analysis.suppression.SuppFormat;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.SuppressionMatrixResult.TraceMatrix;
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
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A suppression-matrix run (spec §11): per trace a baseline pass and one pass per suppressed sentence, stored as
 * they finish; then the matrices, their averages and the comparison with published matrices, written to the
 * output folder with run.json last.
 */
final class SuppressionMatrixRun {

    /** What the worker must be able to do. */
    static final List<String> CAPABILITIES = List.of("logits.nucleus", "suppression.all_heads");

    private SuppressionMatrixRun() {
    }

    static SuppressionMatrixResult run(SuppressionMatrixRequest request, OutputFolder output,
                                       WorkerConnector connector, RunEvents events) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        TraceSuppression.Settings settings = new TraceSuppression.Settings(request.nucleus(),
                request.fullRecompute(), request.variantsPerCall(), request.batchSize(), request.kl().temperature());
        int inFlight = request.effectiveParallel();
        List<TracePlan> plans = TraceReader.readTree(request.data()).stream()
                .map(t -> TracePlan.of(t, request.options())).toList();
        long t1 = System.nanoTime();
        output.create();
        Path cacheRoot = AttentionCache.root(request.cache().orElse(null), output.dir());
        List<TraceSuppression.Result> results = new ArrayList<>();
        ModelInfo model;
        Map<String, Object> workerJson;
        try (WorkerLink link = new WorkerLink(request.worker(), connector, output.resolve("worker.log"),
                CAPABILITIES);
             PassExecutor executor = new PassExecutor(link.worker(), inFlight);
             StageProgress progress = new StageProgress(events, Stage.SUPPRESSION,
                     plans.stream().mapToLong(p -> p.layout().size() + 1L).sum())) {
            model = link.info();
            SuppressionInputs inputs = new SuppressionInputs(link.worker(), model, request.options(),
                    new AttentionCache(cacheRoot, events::warning));
            TraceSuppression runner = new TraceSuppression(link, settings, inputs, executor, progress, events);
            for (TracePlan plan : plans) {
                SuppressionKey key = new SuppressionKey(model.modelId(), model.dtype(),
                        request.options().sentenceSource(), request.options().boundaryMode(),
                        request.options().truncation(), settings.nucleus(), settings.klTemperature(),
                        settings.fullRecompute(), plan.textSha256());
                results.add(runner.run(plan, new SuppressionStore(cacheRoot, key, events::warning)));
            }
            workerJson = link.runJson();
            workerJson.put("parallel", inFlight);
        }
        long t2 = System.nanoTime();
        List<TraceMatrix> matrices = results.stream().map(r -> matrices(r, request)).toList();
        SuppressionAveraging.DistanceCurve byDistance = SuppressionAveraging.byDistance(
                matrices.stream().map(TraceMatrix::normalised).toList(), request.distancePooling());
        var byCategoryPair = SuppressionAveraging.byCategoryPair(matrices.stream().map(m ->
                        new SuppressionAveraging.TraceMatrix(m.traceId(), m.normalised(), m.tags())).toList(),
                request.effectiveCategoryAggregate(), request.categoryMinEntries());
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
                output.dir(), cacheRoot, workerJson, model, request.profile(), request.options(), request.kl(),
                settings, inFlight, request.distancePooling(), request.effectiveCategoryAggregate(),
                request.categoryMinEntries(), results, timings, events.warnings());
        output.write(OutputFolder.RUN_JSON, Json.write(report.toJson()));
        return new SuppressionMatrixResult(request, model, matrices, byDistance, byCategoryPair, comparisons,
                report.computedPasses(), report.passSeconds(), output.dir(), output.written(), events.warnings());
    }

    private static TraceMatrix matrices(TraceSuppression.Result r, SuppressionMatrixRequest request) {
        double[][] raw = KlColumns.matrix(r.plan().id(), r.baseline(), r.input().input(), r.columns(), request.kl());
        return new TraceMatrix(r.plan(), r, raw, RowNormalisation.normalise(raw));
    }

    private static List<PublishedComparison> writeResults(OutputFolder output, List<TraceMatrix> matrices,
                                                          SuppressionAveraging.DistanceCurve byDistance,
                                                          Map<SuppressionAveraging.CategoryPair,
                                                                  SuppressionAveraging.PairStat> byCategoryPair,
                                                          boolean synthetic) {
        List<PublishedComparison> comparisons = new ArrayList<>();
        for (TraceMatrix m : matrices) {
            String dir = m.traceId() + "/";
            output.write(dir + "suppression_matrix.csv", SuppressionTables.matrix("E", m.raw()).csv());
            output.write(dir + "suppression_matrix_normalised.csv",
                    SuppressionTables.matrix("E_normalised", m.normalised()).csv());
            output.write(dir + "step_importance_supp.json", SuppFormat.toJson(m.normalised(), m.texts()));
            m.plan().trace().stepImportanceSupp().ifPresent(published -> {
                PublishedComparison c = PublishedComparison.of(m.traceId(), m.normalised(), m.labelIndex(),
                        published);
                comparisons.add(c);
                output.write(dir + "published_comparison.json", Json.write(c.toJson(synthetic)));
            });
        }
        output.write("suppression_by_distance.csv", SuppressionTables.byDistance(byDistance).csv());
        output.write("suppression_by_category_pair.csv", SuppressionTables.byCategoryPair(byCategoryPair).csv());
        if (!comparisons.isEmpty()) {
            output.write("published_comparison.csv", SuppressionTables.comparisons(comparisons).csv());
        }
        return comparisons;
    }
}
