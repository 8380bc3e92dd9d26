package io.thoughtanchors.cli;

import io.thoughtanchors.data.DataOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --data, required: the traces a command reads, and how they are read. */
final class DataOption {

    static final String DATA = "The traces: a published tree (web or math-rollouts layout; a problem_<id> folder up to a"
            + " root of model folders), a plain-text chain of thought (.txt), one trace of the project's format (.json)"
            + " or many, one per line (.jsonl).";

    @Option(names = "--data", required = true, paramLabel = "PATH", description = DATA)
    Path data;

    @Mixin
    DataReadOptions read;

    DataOptions options() {
        return read.options();
    }
}
