package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.data.TraceFiles;
import io.thoughtanchors.pipeline.output.GeneratedTrace;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.WorkerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ta generate}: one generation streamed from the worker (progress in tokens), split into a ta-trace/1 document
 * and written atomically by {@link TraceFiles#write}. A generation that fails midway (the worker died, the deadline passed) is still written, as
 * far as it got, flagged {@code stop_reason: cancelled}, and the run fails naming the file.
 */
final class GenerateRun {

    private GenerateRun() {
    }

    static GenerateResult run(GenerateRequest request, WorkerConnector connector, Path workerLog, RunEvents events) {
        Path file = request.file();
        if (Files.exists(file) && !request.force()) {
            throw PipelineException.output(file + " exists: give --force to replace it, or another --id", null);
        }
        List<String> capabilities = new ArrayList<>(List.of(GenerateQuery.GENERATE));
        if (request.chatTemplate()) {
            capabilities.add(GenerateQuery.CHAT_TEMPLATE);
        }
        try (WorkerLink link = new WorkerLink(request.worker(), connector, workerLog, capabilities,
                events::warning)) {
            ModelInfo model = link.info();
            GenerateQuery query = new GenerateQuery(ModelInput.text(request.modelInput()), request.maxNewTokens(),
                    request.temperature(), request.topP(), request.seed(), request.stop(), new int[0],
                    request.chatTemplate());
            Received received = new Received();
            Generation generation;
            try (StageProgress progress = new StageProgress(events, Stage.GENERATION, request.maxNewTokens())) {
                received.progress = progress;
                generation = link.worker().generate(query, received);
            } catch (WorkerException e) {
                if (received.tokens == 0 || received.promptText == null) {
                    throw e;
                }
                GeneratedTrace partial = GeneratedTrace.of(request.traceId(), request.problem(), received.promptText,
                        received.text.toString(), false, "cancelled", received.tokens);
                write(file, partial.document(model, sampling(request)));
                throw PipelineException.worker("the generation failed after " + received.tokens + " tokens ("
                        + e.getMessage() + "); what it wrote is kept, flagged cancelled, in " + file, e);
            }
            boolean finished = generation.stopReason() != Generation.StopReason.MAX_NEW_TOKENS;
            GeneratedTrace trace = GeneratedTrace.of(request.traceId(), request.problem(), generation.promptText(),
                    generation.text(), finished, generation.stopReason().wireName, generation.newTokens());
            if (trace.cot().isBlank()) {
                throw PipelineException.worker("the model wrote no chain of thought (" + generation.newTokens()
                        + " tokens, stop reason " + generation.stopReason().wireName + "): nothing written", null);
            }
            if (!trace.closedThink()) {
                events.warning(trace.id() + ": the generation " + (finished ? "ended (" + trace.stopReason() + ")"
                        : "reached --max-new-tokens " + request.maxNewTokens()) + " without </think>; the trace is"
                        + " kept with generation.closed_think false");
            }
            write(file, trace.document(model, sampling(request)));
            events.stored(trace.id(), file);
            return new GenerateResult(request, model, trace, file, events.warnings());
        }
    }

    private static Map<String, Object> sampling(GenerateRequest r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("temperature", decimal(r.temperature()));
        json.put("top_p", decimal(r.topP()));
        json.put("seed", r.seed());
        json.put("max_new_tokens", r.maxNewTokens());
        json.put("stop", r.stop());
        json.put("chat_template", r.chatTemplate());
        return json;
    }

    /** The float as it was given (0.6, not its double expansion 0.6000000238418579). */
    private static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    private static void write(Path file, TraceDocument trace) {
        try {
            TraceFiles.write(file, trace);
        } catch (IOException e) {
            throw PipelineException.output("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** What has arrived so far, kept for a generation that fails midway; advances the progress bar. */
    private static final class Received implements TokenSink {
        StageProgress progress;
        String promptText;
        final StringBuilder text = new StringBuilder();
        int tokens;

        @Override
        public void started(String promptText, int promptTokens) {
            this.promptText = promptText;
        }

        @Override
        public void accept(int id, String piece) {
            text.append(piece);
            tokens++;
            progress.advance(1, "");
        }
    }
}
