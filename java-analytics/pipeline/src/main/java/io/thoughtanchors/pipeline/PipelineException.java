package io.thoughtanchors.pipeline;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Every failure of a pipeline run, with the kind of problem it is. The message is one line naming the file, trace,
 * option or worker at fault. Only the CLI turns the kind into an exit status; a script can switch on it.
 */
public final class PipelineException extends RuntimeException {

    /** What kind of problem it is, which says who can fix it. */
    public enum Kind {
        /** The request means nothing: a bad value or a contradicting combination (the CLI's usage error). */
        INVALID_REQUEST,
        /** Missing, malformed or inconsistent input data: a trace folder, a JSON file, an earlier run's output. */
        BAD_INPUT,
        /** The worker is unreachable, serves another model, breaks the contract, sends bad values or dies. */
        WORKER,
        /** An output folder, result file or cache entry cannot be created or written. */
        OUTPUT,
        /** A bug: an exception nobody anticipated. The stack trace is in the run log, when there is one. */
        INTERNAL
    }

    private final Kind kind;
    private final Path log;

    private PipelineException(Kind kind, String message, Throwable cause, Path log) {
        super(message, cause);
        this.kind = kind;
        this.log = log;
    }

    public Kind kind() {
        return kind;
    }

    /** The run log holding this failure and its stack trace: {@code run.log} in the output folder, if one exists. */
    public Optional<Path> log() {
        return Optional.ofNullable(log);
    }

    public static PipelineException invalidRequest(String message) {
        return new PipelineException(Kind.INVALID_REQUEST, message, null, null);
    }

    public static PipelineException badInput(String message, Throwable cause) {
        return new PipelineException(Kind.BAD_INPUT, message, cause, null);
    }

    public static PipelineException worker(String message, Throwable cause) {
        return new PipelineException(Kind.WORKER, message, cause, null);
    }

    public static PipelineException output(String message, Throwable cause) {
        return new PipelineException(Kind.OUTPUT, message, cause, null);
    }

    public static PipelineException internal(String message, Throwable cause) {
        return new PipelineException(Kind.INTERNAL, message, cause, null);
    }

    /** The same failure, now also written to {@code log}. */
    PipelineException loggedIn(Path log) {
        PipelineException logged = new PipelineException(kind, getMessage(), getCause(), log);
        logged.setStackTrace(getStackTrace());
        return logged;
    }
}
