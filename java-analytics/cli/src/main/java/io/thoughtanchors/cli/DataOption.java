package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --data, required: the traces a command reads. */
final class DataOption {

    static final String TRACE_FOLDER = "Trace folder: a problem_<id> folder, a solution-type folder, a model folder"
            + " or a root of them.";

    @Option(names = "--data", required = true, paramLabel = "DIR", description = TRACE_FOLDER)
    Path data;
}
