package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A receiver-head run ({@code ta receivers}): which traces, where results and cache go, how to analyse, which worker.
 * Start from {@link #of} and change what differs with the {@code with} methods.
 *
 * @param data    a trace folder: a problem_&lt;id&gt; folder, a solution-type folder, a model folder or a root of them
 * @param out     the output folder; it must not exist or be empty unless {@code force}
 * @param force   write into an existing output folder, overwriting its result files
 * @param cache   the cache root; empty = {@code .ta-cache} beside the output folder
 * @param profile the profile the options started from (recorded in run.json)
 * @param options every analysis option (the profile's, with any single option changed)
 * @param threads traces analysed at once
 * @param worker  where the worker is; {@link WorkerTarget#none()} when the cache holds every trace
 */
public record ReceiversRequest(Path data, Path out, boolean force, Optional<Path> cache, Profile profile,
                               AnalysisOptions options, int threads, WorkerTarget worker) {

    public ReceiversRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(worker, "worker");
        if (threads < 1) {
            throw PipelineException.invalidRequest("--threads must be at least 1, got " + threads);
        }
    }

    /** The RECOMMENDED profile, default threads, no worker (add one with {@link #withWorker}). */
    public static ReceiversRequest of(Path data, Path out) {
        return new ReceiversRequest(data, out, false, Optional.empty(), Profile.RECOMMENDED,
                Profile.RECOMMENDED.options(), defaultThreads(), WorkerTarget.none());
    }

    /** Cores, at most 4: each analysed trace holds one pooled-attention array in memory. */
    public static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    public ReceiversRequest withForce(boolean force) {
        return new ReceiversRequest(data, out, force, cache, profile, options, threads, worker);
    }

    public ReceiversRequest withCache(Path cache) {
        return new ReceiversRequest(data, out, force, Optional.of(cache), profile, options, threads, worker);
    }

    /** This profile with its own options (replacing any options set before). */
    public ReceiversRequest withProfile(Profile profile) {
        return new ReceiversRequest(data, out, force, cache, profile, profile.options(), threads, worker);
    }

    public ReceiversRequest withOptions(AnalysisOptions options) {
        return new ReceiversRequest(data, out, force, cache, profile, options, threads, worker);
    }

    public ReceiversRequest withThreads(int threads) {
        return new ReceiversRequest(data, out, force, cache, profile, options, threads, worker);
    }

    public ReceiversRequest withWorker(WorkerTarget worker) {
        return new ReceiversRequest(data, out, force, cache, profile, options, threads, worker);
    }
}
