package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;

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

    @Option(names = "--local-model", paramLabel = "MODEL", defaultValue = WorkerTarget.DEFAULT_LOCAL_MODEL,
            description = "Model of the --local worker (default: ${DEFAULT-VALUE}; tiny-llama is the other tiny one).")
    String localModel;

    @Option(names = "--local-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long the --local worker may take to start serving (default: ${DEFAULT-VALUE}).")
    long localTimeoutSeconds;

    @Option(names = "--expect-model", paramLabel = "MODEL_ID",
            description = "Fail (status 4) unless the worker serves this model id (receivers: also picks the model of"
                    + " a run served from the cache alone).")
    String expectModel;

    /**
     * The worker target these options describe; {@link WorkerTarget#none()} without --worker or --local.
     *
     * @throws PipelineException (invalid request) for combinations that cannot mean anything
     */
    WorkerTarget target() {
        boolean local = source != null && source.local;
        if (!local && command.commandLine().getParseResult().hasMatchedOption("--local-model")) {
            throw PipelineException.invalidRequest("--local-model needs --local");
        }
        if (local && expectModel != null && !expectModel.equals(localModel)) {
            throw PipelineException.invalidRequest("--expect-model " + expectModel + " contradicts --local-model "
                    + localModel);
        }
        WorkerTarget target = source == null ? WorkerTarget.none() : local
                ? WorkerTarget.local(localModel).withLocalStartTimeout(Duration.ofSeconds(localTimeoutSeconds))
                : WorkerTarget.remote(source.addresses);
        return expectModel == null ? target : target.withExpectedModel(expectModel);
    }
}
