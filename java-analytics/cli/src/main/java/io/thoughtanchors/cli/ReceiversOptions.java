package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.pipeline.ReceiversRequest;
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

    /** The request these options, the output options and the worker options describe. */
    ReceiversRequest request(OutputOptions output, WorkerOptions worker) {
        ReceiversRequest request = ReceiversRequest.of(data, output.out).withForce(output.force)
                .withProfile(profile).withOptions(overrides.apply(profile.options()))
                .withThreads(threads == null ? ReceiversRequest.defaultThreads() : threads)
                .withWorker(worker.target());
        return cacheDir == null ? request : request.withCache(cacheDir);
    }
}
