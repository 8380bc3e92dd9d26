package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a command writes its results and how loudly: --out, --force, --no-progress. */
final class OutputOptions {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (must not exist or be empty, unless --force).")
    Path out;

    @Option(names = "--force", description = "Write into an existing output folder, overwriting its result files.")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    boolean showProgress() {
        return !noProgress;
    }
}
