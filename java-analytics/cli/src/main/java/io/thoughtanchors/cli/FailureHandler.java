package io.thoughtanchors.cli;

import io.thoughtanchors.data.TraceFormatException;
import io.thoughtanchors.worker.WorkerException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns every failure into one line on stderr and an {@link ExitStatus}; the stack trace only with --verbose,
 * because the messages already name the file, trace or worker at fault.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        ExitStatus status = statusOf(ex);
        PrintWriter err = cmd.getErr();
        err.println("ta: " + messageOf(ex, status));
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        } else if (status == ExitStatus.INTERNAL) {
            err.println("ta: this is a bug; run again with --verbose for the stack trace");
        }
        err.flush();
        return status.code;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("ta: " + ex.getMessage().replaceFirst("^Error: ", ""));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return ExitStatus.USAGE.code;
    }

    static ExitStatus statusOf(Throwable ex) {
        if (ex instanceof CliFailure f) {
            return f.status();
        }
        if (ex instanceof TraceFormatException) {
            return ExitStatus.BAD_INPUT;
        }
        if (ex instanceof WorkerException) {
            return ExitStatus.WORKER;
        }
        return ExitStatus.INTERNAL;
    }

    private static String messageOf(Exception ex, ExitStatus status) {
        return switch (status) {
            case INTERNAL -> "internal error: " + ex;
            case WORKER -> ex instanceof WorkerException ? "worker problem: " + ex.getMessage() : ex.getMessage();
            case BAD_INPUT -> ex instanceof TraceFormatException ? "cannot read the traces: " + ex.getMessage()
                    : ex.getMessage();
            default -> ex.getMessage();
        };
    }

    /** --verbose may be given to any (sub)command, so look at every level of the parse. */
    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
