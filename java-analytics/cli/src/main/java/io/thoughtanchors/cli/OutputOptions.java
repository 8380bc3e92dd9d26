package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a command writes its results and how loudly: --out (required), --force, --no-progress. */
final class OutputOptions extends OutputFlags {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (must not exist or be empty, unless --force).")
    Path out;
}
