package io.thoughtanchors.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** --cache: the cache root every command shares. */
final class CacheOption {

    @Option(names = "--cache", paramLabel = "DIR", description = "Cache root, shared by every command (default:"
            + " .ta-cache beside the output folder, i.e. <out>/../.ta-cache; ./.ta-cache without --out).")
    Path cache;

    Optional<Path> cache() {
        return Optional.ofNullable(cache);
    }
}
