package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What a receiver-head run reads and how it analyses: shared by {@code ta receivers} and {@code ta report}. */
final class ReceiversOptions {

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Trace folder: a problem_<id> folder, a solution-type folder, a model folder or a root of them.")
    Path data;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Attention cache (default: .ta-cache beside the output folder, i.e. <out>/../.ta-cache).")
    Path cacheDir;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "RECOMMENDED",
            description = "Option set: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE});"
                    + " the single options below override it.")
    Profile profile;

    @Mixin
    AnalysisOverrides overrides;

    @Option(names = "--threads", paramLabel = "N", description = "Traces analysed at once (default: cores, at most 4).")
    Integer threads;

    AnalysisOptions options() {
        return overrides.apply(profile.options());
    }

    int parallelism() {
        if (threads == null) {
            return Math.min(4, Runtime.getRuntime().availableProcessors());
        }
        if (threads < 1) {
            throw CliFailure.usage("--threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
