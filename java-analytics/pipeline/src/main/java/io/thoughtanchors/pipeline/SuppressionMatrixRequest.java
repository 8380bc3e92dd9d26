package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.PlaceboRule;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.suppression.Placebo;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.NucleusSpec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A suppression-matrix run ({@code ta suppression-matrix}, docs/algorithms.md §12): the sentence-to-sentence KL matrix of every
 * trace. Start from {@link #of} and change what differs with the {@code with} methods.
 *
 * @param dataOptions        how --data is read (see {@link ReceiversRequest})
 * @param options            the sentences and token boundaries (only the text options of the profile matter)
 * @param kl                 KL mode, temperature, log, alignment, first positions: applied in Java to the stored
 *                           per-position divergences, so changing them needs no forward pass
 * @param nucleus            the nucleus the worker compresses each position's logits to
 * @param fullRecompute      every pass recomputes the whole input instead of reusing the baseline's prefix
 * @param kernel             the worker's attention kernel: MASK (default) or MONKEYPATCH, the reference code's
 *                           baseline-eager / suppressed-replacement asymmetry for parity with published matrices
 * @param variantsPerCall    suppressed sentences per Logits call (they share one prefix pass on the worker)
 * @param batchSize          variants per forward inside the worker
 * @param parallel           Logits calls in flight; empty = two per worker
 * @param categoryAggregate  per-trace aggregate of a category pair; empty = the profile's
 * @param placebo            placebo suppressions per sentence (docs/algorithms.md §12.9); {@link Placebo#OFF} by default
 */
public record SuppressionMatrixRequest(Path data, DataOptions dataOptions, Path out, boolean force, Optional<Path> cache, Profile profile,
                                       AnalysisOptions options, SuppressionOptions kl, NucleusSpec nucleus,
                                       boolean fullRecompute, Kernel kernel, int variantsPerCall, int batchSize,
                                       OptionalInt parallel, DistancePooling distancePooling,
                                       Optional<CategoryAggregate> categoryAggregate, int categoryMinEntries,
                                       Placebo placebo, WorkerTarget worker) {

    public SuppressionMatrixRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(kl, "kl");
        Objects.requireNonNull(nucleus, "nucleus");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(parallel, "parallel");
        Objects.requireNonNull(distancePooling, "distancePooling");
        Objects.requireNonNull(categoryAggregate, "categoryAggregate");
        Objects.requireNonNull(placebo, "placebo");
        Objects.requireNonNull(worker, "worker");
        if (batchSize < 1 || variantsPerCall < 1) {
            throw PipelineException.invalidRequest("--batch-size and --variants-per-call must be at least 1, got "
                    + batchSize + " and " + variantsPerCall);
        }
        if (categoryMinEntries < 1) {
            throw PipelineException.invalidRequest("--category-min-entries must be at least 1, got "
                    + categoryMinEntries);
        }
        if (parallel.isPresent() && parallel.getAsInt() < 1) {
            throw PipelineException.invalidRequest("--parallel must be at least 1, got " + parallel.getAsInt());
        }
    }

    /** The reference settings (docs/algorithms.md §12) on the RECOMMENDED profile's sentences; a worker is still to be given. */
    public static SuppressionMatrixRequest of(Path data, Path out) {
        return new SuppressionMatrixRequest(data, DataOptions.defaults(), out, false, Optional.empty(), Profile.RECOMMENDED,
                Profile.RECOMMENDED.options(), SuppressionOptions.REFERENCE, NucleusSpec.REFERENCE, false,
                Kernel.MASK, 8, 1, OptionalInt.empty(), DistancePooling.MEAN_OF_TRACE_MEANS, Optional.empty(), 1,
                Placebo.OFF, WorkerTarget.none());
    }

    public SuppressionMatrixRequest withDataOptions(DataOptions dataOptions) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus,
                fullRecompute, kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate,
                categoryMinEntries, placebo, worker);
    }

    public SuppressionMatrixRequest withForce(boolean force) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withCache(Path cache) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, Optional.of(cache), profile, options, kl, nucleus,
                fullRecompute, kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate,
                categoryMinEntries, placebo, worker);
    }

    /** This profile with its own options (replacing any options set before). */
    public SuppressionMatrixRequest withProfile(Profile profile) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, profile.options(), kl, nucleus,
                fullRecompute, kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate,
                categoryMinEntries, placebo, worker);
    }

    public SuppressionMatrixRequest withOptions(AnalysisOptions options) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withKl(SuppressionOptions kl) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withNucleus(NucleusSpec nucleus) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withFullRecompute(boolean fullRecompute) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withKernel(Kernel kernel) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withVariantsPerCall(int variantsPerCall) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withBatchSize(int batchSize) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withParallel(int parallel) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, OptionalInt.of(parallel), distancePooling, categoryAggregate,
                categoryMinEntries, placebo, worker);
    }

    public SuppressionMatrixRequest withDistancePooling(DistancePooling distancePooling) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withCategoryAggregate(CategoryAggregate aggregate) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, Optional.of(aggregate),
                categoryMinEntries, placebo, worker);
    }

    public SuppressionMatrixRequest withCategoryMinEntries(int minEntries) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, minEntries, placebo, worker);
    }

    /**
     * Up to {@code draws} placebo spans per sentence under the default rule, {@link PlaceboRule#DISJOINT}, drawn
     * with {@code seed} (docs/algorithms.md §12.9); 0 = off.
     */
    public SuppressionMatrixRequest withPlacebo(int draws, long seed) {
        return withPlacebo(draws, seed, PlaceboRule.DISJOINT);
    }

    /** Up to {@code draws} placebo spans per sentence placed by {@code rule}, drawn with {@code seed}; 0 = off. */
    public SuppressionMatrixRequest withPlacebo(int draws, long seed, PlaceboRule rule) {
        Placebo placebo;
        try {
            placebo = new Placebo(draws, seed, rule);
        } catch (IllegalArgumentException e) {
            throw PipelineException.invalidRequest(e.getMessage());
        }
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    public SuppressionMatrixRequest withWorker(WorkerTarget worker) {
        return new SuppressionMatrixRequest(data, dataOptions, out, force, cache, profile, options, kl, nucleus, fullRecompute,
                kernel, variantsPerCall, batchSize, parallel, distancePooling, categoryAggregate, categoryMinEntries,
                placebo, worker);
    }

    /** The category aggregate used: the one asked for, else the profile's. */
    public CategoryAggregate effectiveCategoryAggregate() {
        return categoryAggregate.orElse(options.categoryAggregate());
    }

    /** Logits calls in flight: as asked, else two per worker (one computing while this side decodes the other). */
    public int effectiveParallel() {
        return parallel.orElse(Math.max(1, 2 * worker.workerCount()));
    }
}
