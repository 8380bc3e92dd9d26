package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.output.ResultTables;
import io.thoughtanchors.pipeline.output.RunReport;
import io.thoughtanchors.pipeline.output.Table;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A receiver-head run: read traces, compute ({@link ReceiverHeads}), write the result tables into the output folder.
 * Its run.json is returned, not written, so that {@code ta report} can write it after its figures: a folder
 * is complete once its run.json exists.
 */
final class ReceiversRun {

    /** What the run computed and the run.json still to be written. */
    record Outcome(ReceiverHeads.Computed computed, List<TracePlan> plans, Map<String, Object> runJson) {

        /** The result, once every file (run.json included) is written. */
        ReceiversResult result(ReceiversRequest request, OutputFolder output, List<String> warnings) {
            return new ReceiversResult(request, computed, plans, output.dir(), output.written(), warnings);
        }
    }

    private ReceiversRun() {
    }

    /**
     * Reads and checks every input before the output folder is created, so bad input leaves no folder behind.
     *
     * @param command     the command recorded in run.json
     * @param checkInputs the caller's own checks of the traces read, also before anything is created
     */
    static Outcome run(String command, ReceiversRequest request, OutputFolder output,
                               WorkerConnector connector, RunEvents events, Consumer<List<TracePlan>> checkInputs) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<TracePlan> plans = TraceReader.readTree(request.data()).stream()
                .map(t -> TracePlan.of(t, request.options())).toList();
        checkInputs.accept(plans);
        long t1 = System.nanoTime();
        output.create();
        AttentionCache cache = new AttentionCache(AttentionCache.root(request.cache().orElse(null), output.dir()),
                events::warning);
        ReceiverHeads.Computed computed;
        Map<String, Object> workerJson;
        try (WorkerLink link = new WorkerLink(request.worker(), connector, output.resolve("worker.log"),
                List.of(ReceiverHeads.POOLED_ATTENTION))) {
            computed = ReceiverHeads.compute(plans, request.options(), request.threads(), cache, link, events);
            workerJson = link.runJson();
        }
        long t2 = System.nanoTime();
        List<Table> tables = ResultTables.of(computed.result(), plans,
                computed.filled().entries().stream().map(CacheMetadata::ranges).toList());
        tables.forEach(t -> output.write(t.fileName(), t.csv()));
        output.write("results.json", Json.write(ResultTables.resultsJson(computed.result(), tables)));
        computed.result().warnings().forEach(events::warning);
        NanWarnings.receivers(computed.result(), request.options()).forEach(events::warning);
        long t3 = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("read_traces", seconds(t0, t1));
        timings.put("attention", computed.attentionSeconds());
        timings.put("analysis", computed.analysisSeconds());
        timings.put("write_results", seconds(t2, t3));
        timings.put("total", seconds(t0, t3));
        Map<String, Object> runJson = new RunReport(command, started, request.data().toAbsolutePath().normalize(),
                output.dir(), cache.root(), workerJson, computed.filled(), plans, request.profile(),
                request.options(), timings, events.warnings()).toJson();
        return new Outcome(computed, plans, runJson);
    }

    static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
