package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A receiver-head run: read traces, fill the attention cache through the worker (or not, when cached), analyse,
 * write the result tables and run.json into the output folder. {@code ta receivers} is exactly this;
 * {@code ta report} draws its outcome.
 */
final class ReceiversRun {

    static final String POOLED_ATTENTION = "attention.pooled";

    /** What a run computed, kept in memory for whoever draws it. */
    record Outcome(ReceiverHeadResult result, List<TracePlan> plans, CacheFiller.Filled filled, AttentionCache cache,
                   AnalysisOptions options, Map<String, Object> workerJson, List<String> warnings) {

        /** Trace {@code i}'s pooled attention, loaded from the cache now (it is not kept in memory). */
        PooledAttention pooled(int i) {
            return load(options, cache, filled.entries().get(i));
        }

        List<Trace> traces() {
            return plans.stream().map(TracePlan::trace).toList();
        }
    }

    private final String command;
    private final ReceiversOptions receivers;
    private final WorkerOptions worker;
    private final WorkerFactory workers;
    private final boolean showProgress;
    private final Consumer<String> warn;

    /** @param warn prints a warning as it happens; the run also keeps every warning for run.json */
    ReceiversRun(String command, ReceiversOptions receivers, WorkerOptions worker, WorkerFactory workers,
                 boolean showProgress, Consumer<String> warn) {
        this.command = command;
        this.receivers = receivers;
        this.worker = worker;
        this.workers = workers;
        this.showProgress = showProgress;
        this.warn = warn;
    }

    /**
     * Reads and checks every input before {@code output} is created, so bad input leaves no folder behind.
     *
     * @param checkInputs the caller's own checks of the traces read, also before anything is created
     */
    Outcome run(OutputFolder output, PrintWriter summary, Consumer<List<TracePlan>> checkInputs) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        AnalysisOptions options = receivers.options();
        int parallelism = receivers.parallelism();
        worker.validate(false);
        List<TracePlan> plans = TraceReader.readTree(receivers.data).stream().map(t -> TracePlan.of(t, options))
                .toList();
        checkInputs.accept(plans);
        long t1 = System.nanoTime();
        output.create();
        List<String> warnings = new ArrayList<>();
        Consumer<String> keepAndWarn = w -> {
            synchronized (warnings) {
                warnings.add(w);
            }
            warn.accept(w);
        };
        AttentionCache cache = new AttentionCache(AttentionCache.root(receivers.cacheDir, output.dir()), keepAndWarn);
        CacheFiller.Filled filled;
        Map<String, Object> workerJson;
        try (WorkerLink link = worker.link(workers, output.resolve("worker.log"), List.of(POOLED_ATTENTION))) {
            filled = new CacheFiller(cache, options, link, worker.modelFilter(), showProgress).fill(plans);
            workerJson = worker.runJson(link, output.resolve("worker.log"));
        }
        long t2 = System.nanoTime();
        ReceiverHeadResult result = analyse(plans, filled, options, cache, parallelism);
        long t3 = System.nanoTime();
        List<Table> tables = ResultTables.of(result, plans.stream().map(TracePlan::trace).toList(),
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
        output.write("run.json", Json.write(new RunReport(command, started, receivers.data.toAbsolutePath().normalize(),
                output.dir(), cache.root(), workerJson, filled, plans, receivers.profile, options, timings, warnings)
                .toJson()));
        RunSummary.print(summary, result, filled, receivers.profile.name(), seconds(t1, t2), output, warnings.size());
        return new Outcome(result, plans, filled, cache, options, workerJson, List.copyOf(warnings));
    }

    private static ReceiverHeadResult analyse(List<TracePlan> plans, CacheFiller.Filled filled,
                                              AnalysisOptions options, AttentionCache cache, int parallelism) {
        List<ReceiverHeadAnalysis.TraceInput> inputs = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            CacheMetadata entry = filled.entries().get(i);
            // loaded lazily, one trace per analysis thread, so all traces never sit in memory at once
            inputs.add(new ReceiverHeadAnalysis.TraceInput(plans.get(i).trace(), () -> load(options, cache, entry)));
        }
        try {
            return new ReceiverHeadAnalysis(options, parallelism).run(inputs);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliFailure.badInput("the analysis cannot use these traces: " + e.getMessage(), e);
        }
    }

    private static PooledAttention load(AnalysisOptions options, AttentionCache cache, CacheMetadata entry) {
        return options.pooling().wrap(entry.layers(), entry.heads(), entry.ranges().labelIndex(), cache.load(entry));
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
