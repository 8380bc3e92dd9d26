package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.analysis.HeadControls;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.output.ControlTables;
import io.thoughtanchors.pipeline.output.ResultTables;
import io.thoughtanchors.pipeline.output.RunReport;
import io.thoughtanchors.pipeline.output.Table;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        Inputs.Kept kept = Inputs.withReceiverHeads(Inputs.plans(Inputs.read(request.data(), request.dataOptions(),
                events), request.options()), request.options(), events);
        List<TracePlan> plans = kept.plans();
        checkInputs.accept(plans);
        HeadControlOptions controls = request.controls();
        if (controls.segmentationNull() && request.worker().isNone()) {
            throw PipelineException.invalidRequest("--segmentation-null needs --worker or --local: the null's finer"
                    + " pooled attention is not cached");
        }
        long t1 = System.nanoTime();
        output.create();
        AttentionCache cache = new AttentionCache(AttentionCache.root(request.cache().orElse(null), output.dir()),
                events::warning);
        ReceiverHeads.Computed computed;
        Map<String, Object> workerJson;
        SegmentationNullPasses.Outcome nullPasses = null;
        try (WorkerLink link = new WorkerLink(request.worker(), connector, output.resolve("worker.log"),
                List.of(ReceiverHeads.POOLED_ATTENTION), events::warning)) {
            computed = ReceiverHeads.compute(plans, request.options(), Optional.of(controls), request.threads(), cache,
                    link, events);
            if (controls.segmentationNull()) {
                nullPasses = SegmentationNullPasses.run(plans, computed.filled(), request.options(), controls, link,
                        events, request.threads());
                computed = nullPasses.result().map(computed.controls().orElseThrow()::withSegmentationNull)
                        .map(computed::withControls).orElse(computed);
            }
            workerJson = link.runJson();
        }
        long t2 = System.nanoTime();
        HeadControls.Result controlResult = computed.controls().orElseThrow();
        List<Table> tables = new ArrayList<>(ResultTables.of(computed.result(), plans,
                computed.filled().entries().stream().map(CacheMetadata::ranges).toList()));
        tables.addAll(ControlTables.of(controlResult, computed.result().ranking()));
        tables.forEach(t -> output.write(t.fileName(), t.csv()));
        Map<String, Object> controlsJson = controlsJson(controls, controlResult, nullPasses);
        Map<String, Object> resultsJson = ResultTables.resultsJson(computed.result(), tables);
        resultsJson.put("head_controls", controlsJson);
        output.write("results.json", Json.write(resultsJson));
        computed.result().warnings().forEach(events::warning);
        NanWarnings.receivers(computed.result(), request.options()).forEach(events::warning);
        long t3 = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("read_traces", seconds(t0, t1));
        timings.put("attention", computed.attentionSeconds());
        timings.put("analysis", computed.analysisSeconds());
        timings.put("head_controls", computed.controlsSeconds());
        if (nullPasses != null) {
            timings.put("segmentation_null", nullPasses.seconds());
        }
        timings.put("write_results", seconds(t2, t3));
        timings.put("total", seconds(t0, t3));
        Map<String, Object> runJson = new RunReport(command, started, request.data().toAbsolutePath().normalize(),
                request.dataOptions(), output.dir(), cache.root(), workerJson, computed.filled(), plans, kept.leftOut(),
                request.profile(), request.options(), computed.result().notComputed(), timings, events.warnings())
                .toJson();
        Map<String, Object> controlsRun = new LinkedHashMap<>();
        controlsRun.put("options", controls.describe());
        controlsRun.putAll(controlsJson);
        runJson.put("head_controls", controlsRun);
        return new Outcome(computed, plans, runJson);
    }

    private static Map<String, Object> controlsJson(HeadControlOptions controls, HeadControls.Result result,
                                                    SegmentationNullPasses.Outcome nullPasses) {
        Optional<String> notComputed = !controls.segmentationNull()
                ? Optional.of("off (--segmentation-null PERMS turns it on)")
                : result.segmentationNull().isPresent() ? Optional.empty()
                : Optional.of("no trace could be re-segmented (see traces_left_out)");
        return ControlTables.json(result, controls.proximitySweep(), controls.nullPermutations(), controls.nullSeed(),
                controls.nullBlockTokens(), nullPasses == null ? List.of() : nullPasses.traces(),
                nullPasses == null ? Map.of() : nullPasses.leftOut(), notComputed);
    }

    static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
