package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

/** --force and --no-progress, shared by {@link OutputOptions} (--out required) and {@link OptionalOutputOptions}. */
abstract class OutputFlags {

    @Option(names = "--force", description = "Write into an existing output folder, overwriting its result files.")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar on stderr (there is none unless stderr is a"
            + " terminal).")
    boolean noProgress;

    boolean showProgress() {
        return !noProgress;
    }
}
