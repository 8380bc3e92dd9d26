package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns every failure into one line on stderr and an {@link ExitStatus}; the stack trace only with --verbose (and,
 * for a failed run, in the run.log of its output folder), because the messages already name the file, trace or
 * worker at fault.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        ExitStatus status = statusOf(ex);
        PrintWriter err = cmd.getErr();
        err.println("ta: " + messageOf(ex, status));
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
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

    /** The one place a failure's kind becomes an exit status. */
    static ExitStatus statusOf(Throwable ex) {
        if (!(ex instanceof PipelineException p)) {
            return ExitStatus.INTERNAL;
        }
        return switch (p.kind()) {
            case INVALID_REQUEST -> ExitStatus.USAGE;
            case BAD_INPUT -> ExitStatus.BAD_INPUT;
            case WORKER -> ExitStatus.WORKER;
            case OUTPUT -> ExitStatus.OUTPUT;
            case INTERNAL -> ExitStatus.INTERNAL;
        };
    }

    private static String messageOf(Exception ex, ExitStatus status) {
        String message = ex instanceof PipelineException ? ex.getMessage() : "internal error: " + ex;
        if (status != ExitStatus.INTERNAL) {
            return message;
        }
        Optional<Path> log = ex instanceof PipelineException p ? p.log() : Optional.empty();
        return message + " (a bug: " + log.map(l -> "the stack trace is in " + l)
                .orElse("run again with --verbose for the stack trace") + ")";
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
