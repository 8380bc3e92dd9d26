package io.thoughtanchors.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a command reaches a model worker — addresses, or the embedded one started with --local — shared by all. */
final class WorkerOptions {

    /** --worker or --local, at most one. */
    static final class Source {
        @Option(names = "--worker", split = ",", paramLabel = "HOST:PORT",
                description = "Model worker address(es); several serving the same model share the work.")
        List<String> addresses;

        @Option(names = "--local", description = "Start the embedded Python worker as a child process"
                + " (python from $TA_WORKER_PYTHON, else .venv/bin/python of the repository above the working folder).")
        boolean local;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @ArgGroup(exclusive = true)
    Source source;

    @Option(names = "--local-model", paramLabel = "MODEL", defaultValue = "tiny-qwen2",
            description = "Model of the --local worker (default: ${DEFAULT-VALUE}; tiny-llama is the other tiny one).")
    String localModel;

    @Option(names = "--local-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long the --local worker may take to start serving (default: ${DEFAULT-VALUE}).")
    long localTimeoutSeconds;

    @Option(names = "--expect-model", paramLabel = "MODEL_ID",
            description = "Fail (status 4) unless the worker serves this model id (receivers: also picks the model of"
                    + " a run served from the cache alone).")
    String expectModel;

    boolean given() {
        return source != null;
    }

    boolean local() {
        return source != null && source.local;
    }

    /** Worker processes the work can spread over: the addresses, or the one --local starts. */
    int workerCount() {
        return local() ? 1 : source == null ? 0 : source.addresses.size();
    }

    Optional<String> expectedModel() {
        return Optional.ofNullable(expectModel);
    }

    /** The model a cache-only run must be for: the one --local would start, else --expect-model. */
    Optional<String> modelFilter() {
        return local() ? Optional.of(localModel) : expectedModel();
    }

    /** Usage errors (status 2) for combinations that cannot mean anything. */
    void validate(boolean workerRequired) {
        if (workerRequired && !given()) {
            throw CliFailure.usage("give --worker HOST:PORT[,HOST:PORT...] or --local");
        }
        if (!local() && command.commandLine().getParseResult().hasMatchedOption("--local-model")) {
            throw CliFailure.usage("--local-model needs --local");
        }
        if (local() && expectModel != null && !expectModel.equals(localModel)) {
            throw CliFailure.usage("--expect-model " + expectModel + " contradicts --local-model " + localModel);
        }
    }

    /** The link to open on first use, or null when neither --worker nor --local was given. */
    WorkerLink link(WorkerFactory workers, Path localLog, List<String> capabilities) {
        if (source == null) {
            return null;
        }
        if (source.local) {
            return WorkerLink.local(workers, LocalWorkerProcess.launch(localModel, localLog,
                    Duration.ofSeconds(localTimeoutSeconds)), expectedModel(), capabilities);
        }
        return WorkerLink.remote(workers, source.addresses, expectedModel(), capabilities);
    }

    /** The "worker" block of run.json: how the worker was reached, and whether it was (null link: none given). */
    Map<String, Object> runJson(WorkerLink link, Path localLog) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", link == null ? "none" : link.isLocal() ? "local" : "remote");
        json.put("contacted", link != null && link.isOpen());
        if (link != null && link.isLocal()) {
            json.put("local_model", localModel);
            if (link.isOpen()) {
                json.put("log", localLog.toString());
            }
        } else if (link != null) {
            json.put("addresses", link.addresses());
        }
        return json;
    }
}
