package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.ModelInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The analyses of the workbench as a library: each entry point takes an immutable request, runs it (reaching a
 * worker only when the cache lacks something), writes its output folder and returns what it computed. The
 * {@code ta} command line is a thin layer over this class.
 *
 * <pre>{@code
 * Pipeline pipeline = Pipeline.create().withListener(myListener);
 * ReceiversResult r = pipeline.receivers(ReceiversRequest.of(Path.of("data/…"), Path.of("out/receivers"))
 *         .withWorker(WorkerTarget.local("tiny-qwen2")));
 * System.out.println(r.analysis().ranking().topHeads());
 * }</pre>
 *
 * Every failure is a {@link PipelineException} with its kind, also written with its stack trace to run.log in the
 * output folder when the run had created it. A folder whose run.json exists holds a complete run. Instances are immutable; runs on one instance may happen concurrently if they write different folders.
 */
public final class Pipeline {

    private final WorkerConnector connector;
    private final PipelineListener listener;

    private Pipeline(WorkerConnector connector, PipelineListener listener) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Workers reached over gRPC, nothing reported while it works. */
    public static Pipeline create() {
        return new Pipeline(WorkerConnector.GRPC, PipelineListener.NONE);
    }

    /** The same pipeline reaching workers through {@code connector} (tests use an in-process fake). */
    public Pipeline withConnector(WorkerConnector connector) {
        return new Pipeline(connector, listener);
    }

    /** The same pipeline reporting warnings and progress to {@code listener}. */
    public Pipeline withListener(PipelineListener listener) {
        return new Pipeline(connector, listener);
    }

    /** Receiver heads of a folder of traces: kurtosis, ranking, receiver scores, reliability, categories, black box. */
    public ReceiversResult receivers(ReceiversRequest request) {
        return Failures.guard(() -> OutputFolder.check(request.out(), request.force()), folder -> {
            RunEvents events = new RunEvents(listener);
            ReceiversRun.Outcome outcome = ReceiversRun.run("receivers", request, folder, connector, events,
                    plans -> { });
            folder.write(OutputFolder.RUN_JSON, Json.write(outcome.runJson()));
            return outcome.result(request, folder, events.warnings());
        });
    }

    /** The sentence-to-sentence suppression KL matrix of every trace, its averages and published comparison. */
    public SuppressionMatrixResult suppressionMatrix(SuppressionMatrixRequest request) {
        return Failures.guard(() -> {
            requireWorker(request.worker());
            return OutputFolder.check(request.out(), request.force());
        }, folder -> SuppressionMatrixRun.run(request, folder, connector, new RunEvents(listener)));
    }

    /** The single-sentence suppression check on one trace. */
    public SuppressCheckResult suppressCheck(SuppressCheckRequest request) {
        return Failures.guard(() -> {
            requireWorker(request.worker());
            return request.out().map(o -> OutputFolder.check(o, request.force())).orElse(null);
        }, folder -> SuppressCheckRun.run(request, Optional.ofNullable(folder), connector, new RunEvents(listener)));
    }

    /** A receivers run drawn: the paper's figures as PNG and one offline, interactive index.html. */
    public ReportResult report(ReportRequest request) {
        return Failures.guard(() -> OutputFolder.check(request.receivers().out(), request.receivers().force()),
                folder -> ReportRun.run(request, folder, connector, new RunEvents(listener)));
    }

    /** Every trace's summary.json recomputed from its step_importance.json, compared with the published one. */
    public SummaryResult summaries(SummaryRequest request) {
        return Failures.guard(() -> OutputFolder.check(request.out(), request.force()),
                folder -> SummaryRun.run(request, folder, new RunEvents(listener)));
    }

    /** A chain of thought generated for one problem, written as a ta-trace/1 file (see {@link GenerateRequest}). */
    public GenerateResult generate(GenerateRequest request) {
        return Failures.guard(() -> {
            requireWorker(request.worker());
            return null;
        }, none -> GenerateRun.run(request, connector, request.worker().isLocal() ? temporaryLog() : null,
                new RunEvents(listener)));
    }

    /** Every trace's sentences labelled into the paper's categories, each written as a ta-trace/1 file. */
    public LabelResult label(LabelRequest request) {
        return Failures.guard(() -> OutputFolder.check(request.out(), request.force()),
                folder -> LabelRun.run(request, connector, folder, new RunEvents(listener)));
    }

    /** One short text's attention in chosen heads, token by token, drawn as one offline HTML page. */
    public HeadViewResult headView(HeadViewRequest request) {
        return Failures.guard(() -> {
            requireWorker(request.worker());
            return null;
        }, none -> HeadViewRun.run(request, connector, request.worker().isLocal() ? temporaryLog() : null,
                new RunEvents(listener)));
    }

    /** What the worker of {@code target} serves (a local target is started and stopped for it). */
    public ModelInfo describe(WorkerTarget target) {
        return Failures.guard(() -> null, none -> {
            requireWorker(target);
            try (WorkerLink link = new WorkerLink(target, connector, target.isLocal() ? temporaryLog() : null,
                    List.of(), listener::warning)) {
                return link.info();
            }
        });
    }

    /** Runs that compute forward passes whatever the cache holds need a worker. */
    private static void requireWorker(WorkerTarget target) {
        if (target.isNone()) {
            throw PipelineException.invalidRequest("give --worker HOST:PORT[,HOST:PORT...] or --local");
        }
    }

    private static Path temporaryLog() {
        try {
            return Files.createTempFile("ta-worker", ".log");
        } catch (IOException e) {
            throw PipelineException.output("cannot create a log file for the local worker: " + e, e);
        }
    }
}
