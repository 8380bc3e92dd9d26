package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** --data for a command that may read its trace from elsewhere (suppress-check's --trace). */
final class OptionalDataOption {

    @Option(names = "--data", paramLabel = "DIR", description = DataOption.TRACE_FOLDER)
    Path data;

    Optional<Path> data() {
        return Optional.ofNullable(data);
    }
}
