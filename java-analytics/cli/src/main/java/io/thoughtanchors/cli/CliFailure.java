package io.thoughtanchors.cli;

/** A failure the user can act on: a one-line message for stderr and the exit status it maps to. */
final class CliFailure extends RuntimeException {

    private final ExitStatus status;

    private CliFailure(ExitStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    ExitStatus status() {
        return status;
    }

    static CliFailure usage(String message) {
        return new CliFailure(ExitStatus.USAGE, message, null);
    }

    static CliFailure badInput(String message, Throwable cause) {
        return new CliFailure(ExitStatus.BAD_INPUT, message, cause);
    }

    static CliFailure worker(String message, Throwable cause) {
        return new CliFailure(ExitStatus.WORKER, message, cause);
    }

    static CliFailure output(String message, Throwable cause) {
        return new CliFailure(ExitStatus.OUTPUT, message, cause);
    }
}
