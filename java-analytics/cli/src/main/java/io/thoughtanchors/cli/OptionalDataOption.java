package io.thoughtanchors.cli;

import io.thoughtanchors.data.DataOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** --data for a command that may read its trace from elsewhere (suppress-check's --trace), and how it is read. */
final class OptionalDataOption {

    @Option(names = "--data", paramLabel = "PATH", description = DataOption.DATA)
    Path data;

    @Mixin
    DataReadOptions read;

    Optional<Path> data() {
        return Optional.ofNullable(data);
    }

    DataOptions options() {
        return read.options();
    }
}
