package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.KlMode;
import io.thoughtanchors.analysis.suppression.PredictionAlignment;
import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.analysis.suppression.SuppFormat;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.data.LabeledChunk;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.NucleusSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code ta suppression-matrix}: the sentence-to-sentence suppression KL matrix of every trace (spec §11). */
@Command(name = "suppression-matrix", sortOptions = false,
        description = {
            "Sentence-to-sentence suppression KL matrix (spec §11) of every trace in a folder: a baseline pass and"
                    + " one pass per sentence j with its keys masked in every head of every layer, KL per position"
                    + " in Java, E[i][j] = mean over sentence i's positions, then masked and row-normalised.",
            "Passes are stored in the cache as they finish; a rerun computes only what is missing. KL mode,"
                    + " alignment and --no-log are applied to the stored values and need no new passes."},
        footerHeading = "%n",
        footer = {
            "Output files in --out (CSV: NaN is NaN; JSON: null):",
            "  <trace id>/suppression_matrix.csv             E: receiving, then one column per",
            "                                                  suppressed sentence j (all cells)",
            "  <trace id>/suppression_matrix_normalised.csv  j >= i masked, each row minus its mean",
            "  <trace id>/step_importance_supp.json          the published format (spec §11.6)",
            "  <trace id>/published_comparison.json          only if the trace has a published",
            "                                                  step_importance_supp.json",
            "  suppression_by_distance.csv    distance, mean, standard_error, entries, traces",
            "  suppression_by_category_pair.csv  receiving_category, suppressed_category, traces,",
            "                                  mean, standard_error (per trace first, then across)",
            "  published_comparison.csv       trace_id, pairs, pearson_r, pearson_p, spearman_r,",
            "                                  spearman_p (a random-weight model will not match)",
            "  run.json                       model, every option, per trace: sentences, tokens,",
            "                                  stored/computed columns, every pass's seconds; passes/s",
            "  worker.log                     log of the --local worker",
            "",
            "Store (--cache): per trace a folder",
            "  <cache>/suppression/<model>/<dtype>/<source>-<boundary>-<truncation>/",
            "    p<top-p>-k<max-k>-t<temperature>-f16-kl<kl-temperature>-<reuse|full>/<text id>/",
            "  meta.json (key, model, token ranges, input token ids), baseline.nucleus (CSR, big-endian",
            "  binary), kl-NNNN.bin (per suppressed sentence: KL at every position under both KL modes,",
            "  float64). Files are written atomically right after their pass."})
final class SuppressionMatrixCommand implements Callable<Integer> {

    static final List<String> CAPABILITIES = List.of("logits.nucleus", "suppression.all_heads");

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Trace folder: a problem_<id> folder, a solution-type folder, a model folder or a root of them.")
    Path data;

    @Mixin
    WorkerOptions worker;

    @Mixin
    OutputOptions outputOptions;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache root, shared with receivers (default: <out>/../.ta-cache).")
    Path cacheDir;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "RECOMMENDED",
            description = "Sentences and boundaries: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Profile profile;

    @Mixin
    TextOverrides textOverrides;

    @Option(names = "--kl-mode", paramLabel = "MODE", defaultValue = "REFERENCE_SPARSE",
            description = "Per-position KL: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KlMode klMode;

    @Option(names = "--alignment", paramLabel = "ALIGNMENT", defaultValue = "AT_POSITIONS",
            description = "Positions a sentence averages: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PredictionAlignment alignment;

    @Option(names = "--no-log", description = "Average KL itself instead of ln(KL + 1e-9).")
    boolean noLog;

    @Option(names = "--only-first", paramLabel = "K", description = "A sentence averages only its first K positions.")
    Integer onlyFirst;

    @Option(names = "--kl-temperature", paramLabel = "TAU", defaultValue = "0.6",
            description = "Temperature of the KL (default: ${DEFAULT-VALUE}).")
    double klTemperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.9999",
            description = "Nucleus mass kept per position (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--max-k", paramLabel = "K", defaultValue = "100",
            description = "Most tokens kept per position (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--temperature", paramLabel = "TAU", defaultValue = "0.6",
            description = "Temperature of the nucleus compression (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--distance-pooling", paramLabel = "POOLING", defaultValue = "MEAN_OF_TRACE_MEANS",
            description = "Averaging by distance across traces: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DistancePooling distancePooling;

    @Option(names = "--category-aggregate", paramLabel = "AGG",
            description = "Per-trace aggregate of a category pair: ${COMPLETION-CANDIDATES} (default: the profile's).")
    CategoryAggregate categoryAggregate;

    @Option(names = "--category-min-entries", paramLabel = "N", defaultValue = "1",
            description = "A trace counts for a category pair with at least N cells (default: ${DEFAULT-VALUE}).")
    int categoryMinEntries;

    @Option(names = "--full-recompute", description = "Every pass recomputes the whole input (parity runs) instead"
            + " of reusing the baseline's prefix.")
    boolean fullRecompute;

    @Option(names = "--variants-per-call", paramLabel = "N", defaultValue = "8",
            description = "Suppressed sentences per Logits call; they share one prefix pass on the worker, and a call's"
                    + " columns are stored when it completes (default: ${DEFAULT-VALUE}).")
    int variantsPerCall;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1",
            description = "Variants per forward inside the worker: helps GPUs, not CPUs (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Logits calls in flight (default: two per worker, so a worker computes the next call"
                    + " while this side decodes the last).")
    Integer parallel;

    private final WorkerFactory workers;

    SuppressionMatrixCommand(WorkerFactory workers) {
        this.workers = workers;
    }

    /** A trace's result with the matrices computed from it. */
    record TraceMatrices(TraceSuppression.Result result, double[][] raw, double[][] normalised) {
        Trace trace() {
            return result.plan().trace();
        }

        int[] labelIndex() {
            return result.input().input().ranges().labelIndex();
        }

        List<String> tags() {
            return Arrays.stream(labelIndex()).mapToObj(l -> chunk(l).map(LabeledChunk::primaryTag)
                    .orElse("unlabelled")).toList();
        }

        List<String> texts() {
            return Arrays.stream(labelIndex()).mapToObj(l -> chunk(l).map(LabeledChunk::chunk).orElse("")).toList();
        }

        private Optional<LabeledChunk> chunk(int label) {
            return label >= 0 && label < trace().numLabeled() ? Optional.of(trace().chunks().get(label))
                    : Optional.empty();
        }
    }

    @Override
    public Integer call() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        AnalysisOptions options = textOverrides.apply(profile.options());
        SuppressionOptions klOptions = klOptions();
        TraceSuppression.Settings settings = settings();
        int inFlight = inFlight();
        OutputFolder output = outputOptions.folder();
        List<TracePlan> plans = TraceReader.readTree(data).stream().map(t -> TracePlan.of(t, options)).toList();
        long t1 = System.nanoTime();
        output.create();
        List<String> warnings = new ArrayList<>();
        Path cacheRoot = AttentionCache.root(cacheDir, output.dir());
        List<TraceSuppression.Result> results = new ArrayList<>();
        ModelInfo model;
        Map<String, Object> workerJson;
        try (WorkerLink link = worker.link(workers, output.resolve("worker.log"), CAPABILITIES);
             PassExecutor executor = new PassExecutor(link.worker(), inFlight);
             PassProgress progress = PassProgress.start(outputOptions.showProgress(),
                     plans.stream().mapToLong(p -> p.layout().size() + 1L).sum())) {
            model = link.info();
            SuppressionInputs inputs = new SuppressionInputs(link.worker(), model, options,
                    new AttentionCache(cacheRoot, w -> warn(warnings, w)));
            TraceSuppression runner = new TraceSuppression(link, settings, inputs, executor, progress);
            for (TracePlan plan : plans) {
                SuppressionKey key = new SuppressionKey(model.modelId(), model.dtype(), options.sentenceSource(),
                        options.boundaryMode(), options.truncation(), settings.nucleus(), klTemperature,
                        fullRecompute, plan.textSha256());
                results.add(runner.run(plan, new SuppressionStore(cacheRoot, key, w -> warn(warnings, w))));
            }
            workerJson = worker.runJson(link, output.resolve("worker.log"));
            workerJson.put("parallel", inFlight);
        }
        long t2 = System.nanoTime();
        List<TraceMatrices> matrices = results.stream().map(r -> matrices(r, klOptions)).toList();
        List<PublishedComparison> comparisons = writeResults(output, matrices, model.syntheticWeights(), options);
        long t3 = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("read_traces", seconds(t0, t1));
        timings.put("passes", seconds(t1, t2));
        timings.put("matrices_and_results", seconds(t2, t3));
        timings.put("total", seconds(t0, t3));
        SuppressionRunReport report = new SuppressionRunReport(started, data.toAbsolutePath().normalize(),
                output.dir(), cacheRoot, workerJson, model, profile, options, klOptions, settings, inFlight,
                distancePooling, categoryAggregate(options), categoryMinEntries, results, timings, warnings);
        output.write("run.json", Json.write(report.toJson()));
        printSummary(model, results, comparisons, report, output, warnings.size());
        return ExitStatus.SUCCESS.code;
    }

    private SuppressionOptions klOptions() {
        if (onlyFirst != null && onlyFirst < 1) {
            throw CliFailure.usage("--only-first must be at least 1, got " + onlyFirst);
        }
        try {
            return SuppressionOptions.REFERENCE.withKlMode(klMode).withTemperature(klTemperature).withTakeLog(!noLog)
                    .withAlignment(alignment)
                    .withOnlyFirst(onlyFirst == null ? OptionalInt.empty() : OptionalInt.of(onlyFirst));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--kl-temperature: " + e.getMessage());
        }
    }

    private TraceSuppression.Settings settings() {
        if (batchSize < 1 || variantsPerCall < 1) {
            throw CliFailure.usage("--batch-size and --variants-per-call must be at least 1, got " + batchSize
                    + " and " + variantsPerCall);
        }
        if (categoryMinEntries < 1) {
            throw CliFailure.usage("--category-min-entries must be at least 1, got " + categoryMinEntries);
        }
        try {
            return new TraceSuppression.Settings(new NucleusSpec(topP, maxK, temperature, true), fullRecompute,
                    variantsPerCall, batchSize, klTemperature);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("nucleus options: " + e.getMessage());
        }
    }

    private int inFlight() {
        worker.validate(true);
        int n = parallel != null ? parallel : 2 * worker.workerCount();
        if (n < 1) {
            throw CliFailure.usage("--parallel must be at least 1, got " + n);
        }
        return n;
    }

    private TraceMatrices matrices(TraceSuppression.Result r, SuppressionOptions klOptions) {
        double[][] raw;
        try {
            raw = KlColumns.matrix(r.baseline(), r.input().input(), r.columns(), klOptions);
        } catch (IllegalStateException e) {
            throw CliFailure.worker("trace " + r.plan().id() + ": " + e.getMessage() + " (" + klOptions.klMode()
                    + "; the worker's logits are not finite, or try the other --kl-mode)", e);
        }
        return new TraceMatrices(r, raw, RowNormalisation.normalise(raw));
    }

    private List<PublishedComparison> writeResults(OutputFolder output, List<TraceMatrices> matrices,
                                                   boolean synthetic, AnalysisOptions options) {
        List<PublishedComparison> comparisons = new ArrayList<>();
        for (TraceMatrices m : matrices) {
            String dir = m.trace().id() + "/";
            output.write(dir + "suppression_matrix.csv", SuppressionTables.matrix("E", m.raw()).csv());
            output.write(dir + "suppression_matrix_normalised.csv",
                    SuppressionTables.matrix("E_normalised", m.normalised()).csv());
            output.write(dir + "step_importance_supp.json", SuppFormat.toJson(m.normalised(), m.texts()));
            m.trace().stepImportanceSupp().ifPresent(published -> {
                PublishedComparison c = PublishedComparison.of(m.trace().id(), m.normalised(), m.labelIndex(),
                        published);
                comparisons.add(c);
                output.write(dir + "published_comparison.json", Json.write(c.toJson(synthetic)));
            });
        }
        List<double[][]> normalised = matrices.stream().map(TraceMatrices::normalised).toList();
        output.write("suppression_by_distance.csv", SuppressionTables.byDistance(
                SuppressionAveraging.byDistance(normalised, distancePooling)).csv());
        output.write("suppression_by_category_pair.csv", SuppressionTables.byCategoryPair(
                SuppressionAveraging.byCategoryPair(matrices.stream().map(m -> new SuppressionAveraging.TraceMatrix(
                        m.trace().id(), m.normalised(), m.tags())).toList(), categoryAggregate(options),
                        categoryMinEntries)).csv());
        if (!comparisons.isEmpty()) {
            output.write("published_comparison.csv", SuppressionTables.comparisons(comparisons).csv());
        }
        return comparisons;
    }

    private CategoryAggregate categoryAggregate(AnalysisOptions options) {
        return categoryAggregate != null ? categoryAggregate : options.categoryAggregate();
    }

    private void printSummary(ModelInfo model, List<TraceSuppression.Result> results,
                              List<PublishedComparison> comparisons, SuppressionRunReport report, OutputFolder output,
                              int warnings) {
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "Suppression matrices of %d traces: model %s (%s), %s, %s%s%n", results.size(),
                model.modelId(), model.dtype(), klMode, alignment, noLog ? ", no log" : "");
        for (TraceSuppression.Result r : results) {
            o.printf(Locale.ROOT, "  %s: %d sentences, %d tokens, %d passes computed, %d columns stored earlier%n",
                    r.plan().id(), r.columns().length, r.input().input().numTokens(), report.computedPasses(r),
                    r.columnsFromStore().size());
        }
        o.printf(Locale.ROOT, "  passes: %d in %.1f s (%.2f passes/s)%n", report.computedPasses(),
                report.passSeconds(), report.passesPerSecond());
        for (PublishedComparison c : comparisons) {
            o.printf(Locale.ROOT, "  vs published %s: Pearson r = %.3f, Spearman r = %.3f over %d cells%s%n",
                    c.traceId(), c.pearson().r(), c.spearman().r(), c.pairs(),
                    model.syntheticWeights() ? " (synthetic model: no match expected)" : "");
        }
        if (warnings > 0) {
            o.printf(Locale.ROOT, "  %d warning(s), listed in run.json%n", warnings);
        }
        o.println("  results in " + output.dir());
        if (model.syntheticWeights()) {
            o.println("WARNING: " + model.modelId() + " runs SYNTHETIC (seeded random) weights. These results check"
                    + " the pipeline, not the science.");
        }
        o.flush();
    }

    private void warn(List<String> warnings, String message) {
        synchronized (warnings) {
            warnings.add(message);
        }
        spec.commandLine().getErr().println("ta: warning: " + message);
        spec.commandLine().getErr().flush();
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
