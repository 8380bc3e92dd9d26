package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A receiver-head run ({@code ta receivers}): which traces, where results and cache go, how to analyse, which worker.
 * Start from {@link #of} and change what differs with the {@code with} methods.
 *
 * @param data    what --data names: a published tree (web or math-rollouts layout, from one problem_&lt;id&gt; folder up
 *                to a root of model folders), a .txt chain of thought, or a .json / .jsonl file of traces
 * @param dataOptions how the data is read: extra solution folders, a step-attribution tree, a prompt file
 * @param out     the output folder; it must not exist or be empty unless {@code force}
 * @param force   write into an existing output folder, overwriting its result files
 * @param cache   the cache root; empty = {@code .ta-cache} beside the output folder
 * @param profile the profile the options started from (recorded in run.json)
 * @param options every analysis option (the profile's, with any single option changed)
 * @param threads traces analysed at once
 * @param worker  where the worker is; {@link WorkerTarget#none()} when the cache holds every trace
 * @param controls the receiver-head controls (docs/algorithms.md §6.4–6.5): the proximity sweep and the
 *                 re-segmentation null (which needs a worker: its finer matrices are not cached)
 */
public record ReceiversRequest(Path data, DataOptions dataOptions, Path out, boolean force, Optional<Path> cache, Profile profile,
                               AnalysisOptions options, int threads, WorkerTarget worker,
                               HeadControlOptions controls) {

    public ReceiversRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(controls, "controls");
        if (threads < 1) {
            throw PipelineException.invalidRequest("--threads must be at least 1, got " + threads);
        }
    }

    /** Default data options, the RECOMMENDED profile, default threads, no worker (add one with {@link #withWorker}). */
    public static ReceiversRequest of(Path data, Path out) {
        return new ReceiversRequest(data, DataOptions.defaults(), out, false, Optional.empty(), Profile.RECOMMENDED,
                Profile.RECOMMENDED.options(), defaultThreads(), WorkerTarget.none(), HeadControlOptions.DEFAULTS);
    }

    /** Cores, at most 4: each analysed trace holds one pooled-attention array in memory. */
    public static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    public ReceiversRequest withDataOptions(DataOptions dataOptions) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }

    public ReceiversRequest withForce(boolean force) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }

    public ReceiversRequest withCache(Path cache) {
        return new ReceiversRequest(data, dataOptions, out, force, Optional.of(cache), profile, options, threads, worker, controls);
    }

    /** This profile with its own options (replacing any options set before). */
    public ReceiversRequest withProfile(Profile profile) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, profile.options(), threads, worker, controls);
    }

    public ReceiversRequest withOptions(AnalysisOptions options) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }

    public ReceiversRequest withThreads(int threads) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }

    public ReceiversRequest withWorker(WorkerTarget worker) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }

    /** The controls' options (default: recency share and the default sweep, no null). */
    public ReceiversRequest withControls(HeadControlOptions controls) {
        return new ReceiversRequest(data, dataOptions, out, force, cache, profile, options, threads, worker, controls);
    }
}
