package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.label.LabelBackend;
import io.thoughtanchors.pipeline.label.LabelCache;
import io.thoughtanchors.pipeline.label.LabelException;
import io.thoughtanchors.pipeline.label.LabelInput;
import io.thoughtanchors.pipeline.label.Labelling;
import io.thoughtanchors.pipeline.label.SentenceLabeller;
import io.thoughtanchors.pipeline.label.TraceLabels;
import io.thoughtanchors.pipeline.label.WorkerChatBackend;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.GenerateQuery;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every trace, of any layout {@code --data} takes, labelled in turn and written as a ta-trace/1 file as soon as it
 * is, so that a failure part-way (a key refused, a rate limit that does not pass, answers that stay invalid) keeps the
 * traces labelled so far, in the folder and in the cache; run.json last.
 */
final class LabelRun {

    private LabelRun() {
    }

    /** What a worker must offer to label offline. */
    static final List<String> OFFLINE_CAPABILITIES = List.of(GenerateQuery.GENERATE, GenerateQuery.CHAT_TEMPLATE);

    static LabelResult run(LabelRequest request, WorkerConnector connector, OutputFolder output, RunEvents events) {
        List<TraceDocument> docs = new ArrayList<>();
        List<LabelInput> inputs = new ArrayList<>();
        for (Trace t : Inputs.read(request.data(), request.dataOptions().withCountResamples(false).withStoredLabels(false), events)) {
            TraceDocument doc = TraceLabels.document(t);
            docs.add(doc);
            try {
                inputs.add(TraceLabels.input(t.id(), doc));
            } catch (IllegalArgumentException e) {
                throw PipelineException.badInput(e.getMessage(), e);
            }
        }
        output.create();
        // A link that is not given (an API backend) opens nothing; an offline run's worker is started or reached here.
        try (WorkerLink link = new WorkerLink(request.worker(), connector, output.resolve("worker.log"),
                OFFLINE_CAPABILITIES, events::warning)) {
            LabelBackend backend = request.backend().orElseGet(() -> offline(link, request.maxNewTokens()));
            return label(request, backend, docs, inputs, output, events);
        }
    }

    private static LabelBackend offline(WorkerLink link, int maxNewTokens) {
        try {
            return new WorkerChatBackend(link.worker(), maxNewTokens);
        } catch (IllegalArgumentException e) {
            throw PipelineException.badInput(e.getMessage(), e);
        }
    }

    private static LabelResult label(LabelRequest request, LabelBackend backend, List<TraceDocument> docs,
                                     List<LabelInput> inputs, OutputFolder output, RunEvents events) {
        Instant started = Instant.now();
        Path cacheRoot = AttentionCache.root(request.cache().orElse(null), output.dir());
        SentenceLabeller labeller = new SentenceLabeller(backend, Optional.of(new LabelCache(cacheRoot)),
                request.maxAnswers(), events::warning);
        List<LabelResult.LabelledTrace> done = new ArrayList<>();
        try (StageProgress progress = new StageProgress(events, Stage.LABELLING, inputs.size())) {
            for (int i = 0; i < inputs.size(); i++) {
                LabelInput input = inputs.get(i);
                Labelling labelling = labelOne(labeller, input, done.size(), inputs.size(), output);
                String file = fileName(input.id());
                output.write(file, TraceLabels.withLabels(docs.get(i), labelling));
                done.add(new LabelResult.LabelledTrace(input.id(), labelling, output.resolve(file)));
                progress.advance(1, input.id());
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "label");
        run.put("ta_version", PipelineVersion.get());
        run.put("started", started.toString());
        run.put("data", request.data().toAbsolutePath().normalize().toString());
        run.put("output", output.dir().toString());
        run.put("cache", cacheRoot.toString());
        run.put("labeller", labeller.labeller().toMap());
        List<Map<String, Object>> traces = new ArrayList<>();
        for (LabelResult.LabelledTrace t : done) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trace_id", t.traceId());
            row.put("file", output.dir().relativize(t.file()).toString());
            row.put("sentences", t.labelling().labels().size());
            row.put("cached", t.labelling().cached());
            row.put("answers", t.labelling().answers());
            traces.add(row);
        }
        run.put("traces", traces);
        run.put("warnings", events.warnings());
        output.write(OutputFolder.RUN_JSON, Json.write(run));
        return new LabelResult(labeller.labeller(), done, output.dir(), cacheRoot, output.written(), events.warnings());
    }

    /**
     * Where a trace goes: its id as a relative path ({@code model/correct/2238.json}), each folder name made safe
     * and {@code .}/{@code ..} dropped, so that no id, whatever a trace file says, writes outside the output folder.
     */
    static String fileName(String traceId) {
        List<String> parts = new ArrayList<>();
        for (String part : traceId.split("[/\\\\]")) {
            String safe = CacheKey.slug(part);
            if (!safe.isEmpty() && !safe.equals(".") && !safe.equals("..")) {
                parts.add(safe);
            }
        }
        return (parts.isEmpty() ? "trace" : String.join("/", parts)) + ".json";
    }

    private static Labelling labelOne(SentenceLabeller labeller, LabelInput input, int labelled, int total,
                                      OutputFolder output) {
        String kept = "; " + labelled + " of " + total + " traces were labelled and written to " + output.dir()
                + " (run again with --force: cached labels cost nothing)";
        try {
            return labeller.label(input);
        } catch (LabelException e) {
            throw PipelineException.worker("labelling failed: " + e.getMessage() + kept, e);
        } catch (UncheckedIOException e) {
            throw PipelineException.output(e.getMessage() + kept, e);
        }
    }
}
