package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** As {@link OutputOptions}, for a command whose results are complete on stdout: --out may be left out. */
final class OptionalOutputOptions extends OutputFlags {

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the results here (must not exist or be"
            + " empty, unless --force).")
    Path out;

    Optional<Path> out() {
        return Optional.ofNullable(out);
    }
}
