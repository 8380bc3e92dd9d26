package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ta receivers}: receiver heads by kurtosis of vertical attention scores, over a folder of traces. */
@Command(name = "receivers", sortOptions = false,
        description = {
            "Finds receiver heads (kurtosis of vertical attention scores) in a folder of published traces and scores"
                    + " every sentence by them: split-half reliability, category tests, black-box comparison.",
            "Pooled attention comes from a model worker and is cached per trace; when every trace is cached"
                    + " --worker/--local may be omitted and no worker is contacted."},
        footerHeading = "%n",
        footer = {
            "Output files in --out (CSV: NaN is NaN, a missing value is empty; JSON: null):",
            "  top_heads.csv               the top-k receiver heads:",
            "                                rank, layer, head, mean_kurtosis",
            "  head_kurtosis.csv           every head (mean NaN = excluded from the ranking):",
            "                                layer, head, mean_kurtosis, top_rank",
            "  head_kurtosis_by_trace.csv  trace_id, layer, head, kurtosis",
            "  sentence_scores.csv         trace_id, sentence_index, label_index, token_start, token_end, category,",
            "                                receiver_score, counterfactual_importance,",
            "                                text (labelled chunk, first 100 characters)",
            "  reliability.csv             split-half reliability of mean kurtosis:",
            "                                split (ALTERNATING | BY_PROBLEM), traces_first,",
            "                                traces_second, heads, pearson_r, pearson_p,",
            "                                spearman_r, spearman_p",
            "  category_tests.csv          paired t-tests of receiver scores by category:",
            "                                category_a, category_b, traces, n, t, df, p",
            "  category_values.csv         category, trace_id, value (per-trace aggregate)",
            "  blackbox_by_trace.csv       trace_id, residual_spearman, pearson_neg_cf,",
            "                                spearman_neg_cf, pearson_abs_cf, spearman_abs_cf",
            "  results.json                every table as row objects, the black-box summary",
            "                                (mean, se, 95%% CI), skipped traces, warnings",
            "  run.json                    model (Describe answer, synthetic flag), profile,",
            "                                every option, worker, traces (computed or from",
            "                                the cache, forward seconds), timings, warnings",
            "  worker.log                  log of the --local worker",
            "",
            "Cache (--cache): one Arrow IPC file per trace at",
            "  <cache>/<model>/<dtype>/<boundary>-<truncation>-<pooling>/<text id>.arrow",
            "  text id = first 16 hex digits of SHA-256(text + \"|||\" + sentences joined",
            "  by \"|||\"). One record batch per layer, one row per head: layer:int32,",
            "  head:int32, matrix:fixed_size_list<float32>[n*n] as the worker sent it.",
            "  Schema metadata: model id, dtype, modes, full text hash, layers, heads, n,",
            "  the model's Describe answer and the trace's token ranges. Each file is",
            "  written atomically right after its forward pass, so an interrupted run",
            "  keeps finished traces; an entry whose metadata does not match is",
            "  recomputed with a warning."})
final class ReceiversCommand implements Callable<Integer> {

    static final String POOLED_ATTENTION = "attention.pooled";

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Trace folder: a problem_<id> folder, a solution-type folder, a model folder or a root of them.")
    Path data;

    /** --worker or --local; neither is fine when the cache holds every trace. */
    @Mixin
    WorkerOptions worker;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (must not exist or be empty, unless --force).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Attention cache (default: .ta-cache beside the output folder, i.e. <out>/../.ta-cache).")
    Path cacheDir;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "RECOMMENDED",
            description = "Option set: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE});"
                    + " the single options below override it.")
    Profile profile;

    @Mixin
    AnalysisOverrides overrides;

    @Option(names = "--threads", paramLabel = "N", description = "Traces analysed at once (default: cores, at most 4).")
    Integer threads;

    @Option(names = "--force", description = "Write into an existing output folder, overwriting its result files.")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    private final WorkerFactory workers;

    ReceiversCommand(WorkerFactory workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        AnalysisOptions options = overrides.apply(profile.options());
        int parallelism = parallelism();
        worker.validate(false);
        OutputFolder output = OutputFolder.check(out, force);
        List<TracePlan> plans = readPlans(options);
        long t1 = System.nanoTime();
        output.create();
        List<String> warnings = new ArrayList<>();
        AttentionCache cache = new AttentionCache(AttentionCache.root(cacheDir, output.dir()), warning -> warn(warnings, warning));
        CacheFiller.Filled filled;
        Map<String, Object> workerJson;
        try (WorkerLink link = worker.link(workers, output.resolve("worker.log"), List.of(POOLED_ATTENTION))) {
            filled = new CacheFiller(cache, options, link, worker.modelFilter(), !noProgress).fill(plans);
            workerJson = workerJson(link, output);
        }
        long t2 = System.nanoTime();
        ReceiverHeadResult result = analyse(plans, filled, options, cache, parallelism);
        long t3 = System.nanoTime();
        List<Trace> traces = plans.stream().map(TracePlan::trace).toList();
        List<Table> tables = ResultTables.of(result, traces,
                filled.entries().stream().map(CacheMetadata::ranges).toList());
        tables.forEach(t -> output.write(t.fileName(), t.csv()));
        output.write("results.json", Json.write(ResultTables.resultsJson(result, tables)));
        warnings.addAll(result.warnings());
        long t4 = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("read_traces", seconds(t0, t1));
        timings.put("attention", seconds(t1, t2));
        timings.put("analysis", seconds(t2, t3));
        timings.put("write_results", seconds(t3, t4));
        timings.put("total", seconds(t0, t4));
        output.write("run.json", Json.write(new RunReport(started, data.toAbsolutePath().normalize(), output.dir(),
                cache.root(), workerJson, filled, plans, profile, options, timings, warnings).toJson()));
        RunSummary.print(spec.commandLine().getOut(), result, filled, profile.name(), seconds(t1, t2), output,
                warnings.size());
        return ExitStatus.SUCCESS.code;
    }

    private int parallelism() {
        if (threads == null) {
            return Math.min(4, Runtime.getRuntime().availableProcessors());
        }
        if (threads < 1) {
            throw CliFailure.usage("--threads must be at least 1, got " + threads);
        }
        return threads;
    }

    private List<TracePlan> readPlans(AnalysisOptions options) {
        List<Trace> traces = TraceReader.readTree(data);
        return traces.stream().map(t -> TracePlan.of(t, options)).toList();
    }

    private ReceiverHeadResult analyse(List<TracePlan> plans, CacheFiller.Filled filled, AnalysisOptions options,
                                       AttentionCache cache, int parallelism) {
        List<ReceiverHeadAnalysis.TraceInput> inputs = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            CacheMetadata entry = filled.entries().get(i);
            // loaded lazily, one trace per analysis thread, so all traces never sit in memory at once
            inputs.add(new ReceiverHeadAnalysis.TraceInput(plans.get(i).trace(), () -> options.pooling()
                    .wrap(entry.layers(), entry.heads(), entry.ranges().labelIndex(), cache.load(entry))));
        }
        try {
            return new ReceiverHeadAnalysis(options, parallelism).run(inputs);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliFailure.badInput("the analysis cannot use these traces: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> workerJson(WorkerLink link, OutputFolder output) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", link == null ? "none" : link.isLocal() ? "local" : "remote");
        json.put("contacted", link != null && link.isOpen());
        if (link != null && link.isLocal()) {
            json.put("local_model", worker.localModel);
            if (link.isOpen()) {
                json.put("log", output.resolve("worker.log").toString());
            }
        } else if (link != null) {
            json.put("addresses", link.addresses());
        }
        return json;
    }

    private void warn(List<String> warnings, String message) {
        warnings.add(message);
        spec.commandLine().getErr().println("ta: warning: " + message);
        spec.commandLine().getErr().flush();
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
