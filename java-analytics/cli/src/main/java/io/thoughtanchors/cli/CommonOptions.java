package io.thoughtanchors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options and help text every command shares: --help, --version, --verbose and the exit statuses. */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug; the stack trace is in run.log in the output folder, --verbose prints it)",
            "2:usage error (bad or missing options)",
            "3:bad input data (missing folder, malformed or missing JSON, sentence not found in its text)",
            "4:worker problem (unreachable, wrong model, contract mismatch, died mid-run)",
            "5:output problem (output folder exists without --force, file not writable)"})
final class CommonOptions {

    /** Read by {@link FailureHandler} from the parse result, which sees it on any command level. */
    @Option(names = "--verbose", description = "Print the stack trace of a failure.")
    boolean verbose;
}
