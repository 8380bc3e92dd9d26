package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.pipeline.ReceiversRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a receiver-head run reads and how it analyses: shared by {@code ta receivers} and {@code ta report}. */
final class ReceiversOptions {

    @Mixin
    DataOption data;

    @Mixin
    CacheOption cache;

    @Mixin
    ProfileOption profile;

    @Mixin
    AnalysisOverrides overrides;

    @Mixin
    HeadControlFlags controls;

    @Option(names = "--threads", paramLabel = "N", description = "Traces analysed at once (default: cores, at most 4).")
    Integer threads;

    /** The request these options, the output options and the worker options describe. */
    ReceiversRequest request(OutputOptions output, WorkerOptions worker) {
        ReceiversRequest request = ReceiversRequest.of(data.data, output.out).withDataOptions(data.options())
                .withForce(output.force)
                .withProfile(profile.profile).withOptions(overrides.apply(profile.profile.options()))
                .withThreads(threads == null ? ReceiversRequest.defaultThreads() : threads)
                .withWorker(worker.target())
                .withControls(controls.apply(HeadControlOptions.DEFAULTS));
        return cache.cache().map(request::withCache).orElse(request);
    }
}
