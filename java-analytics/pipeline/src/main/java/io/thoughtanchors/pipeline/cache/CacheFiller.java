package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.PipelineListener;
import io.thoughtanchors.pipeline.StageProgress;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.pipeline.worker.AttentionFetcher;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Gives every trace a valid cache entry. The model comes from the worker or, when the cache already holds
 * every trace for exactly one model, from the cache (then no worker is contacted, and a local target starts none).
 * Missing entries are computed one trace at a time and stored as soon as each forward pass finishes, so a
 * failed run keeps what it finished.
 */
public final class CacheFiller {

    /**
     * @param entries        one per trace, in trace order
     * @param computed       per trace: whether this run computed it (false = taken from the cache)
     * @param tokenizeSeconds  per trace: time to build token ranges through the worker, NaN for cached traces
     * @param attentionSeconds per trace: time of the pooled-attention call, NaN for cached traces
     */
    public record Filled(ModelInfo model, boolean modelFromWorker, List<CacheMetadata> entries, boolean[] computed,
                         double[] tokenizeSeconds, double[] attentionSeconds) {

        public int computedCount() {
            int n = 0;
            for (boolean c : computed) {
                n += c ? 1 : 0;
            }
            return n;
        }
    }

    private final AttentionCache cache;
    private final AnalysisOptions options;
    private final CacheKey.Mode mode;
    private final WorkerLink link;
    private final PipelineListener listener;

    public CacheFiller(AttentionCache cache, AnalysisOptions options, WorkerLink link, PipelineListener listener) {
        this.cache = cache;
        this.options = options;
        this.mode = new CacheKey.Mode(options.boundaryMode(), options.truncation(), options.pooling());
        this.link = link;
        this.listener = listener;
    }

    public Filled fill(List<TracePlan> plans) {
        // without any worker, fromCacheAlone either covers every trace or explains what is missing
        if (!link.isGiven() || link.isLocal()) {
            Optional<Filled> fromCache = fromCacheAlone(plans);
            if (fromCache.isPresent()) {
                return fromCache.get();
            }
        }
        return withWorker(plans, link.info());
    }

    /** Every trace from the cache, when one model covers them all; otherwise a worker is needed. */
    private Optional<Filled> fromCacheAlone(List<TracePlan> plans) {
        List<String> texts = plans.stream().map(TracePlan::textSha256).toList();
        Optional<String> modelFilter = link.target().modelFilter();
        List<ModelInfo> models = cache.modelsCovering(texts, mode, modelFilter);
        if (models.size() == 1) {
            ModelInfo model = models.get(0);
            List<CacheMetadata> entries = new ArrayList<>();
            for (TracePlan plan : plans) {
                cache.lookup(key(model, plan)).ifPresent(entries::add);
            }
            if (entries.size() == plans.size()) {
                double[] noForward = new double[plans.size()];
                Arrays.fill(noForward, Double.NaN);
                return Optional.of(new Filled(model, false, entries, new boolean[plans.size()], noForward, noForward));
            }
            if (!link.isGiven()) {
                throw PipelineException.invalidRequest("no --worker or --local given, and " + (plans.size()
                        - entries.size()) + " of the " + plans.size() + " cache entries in " + cache.root()
                        + " were damaged and discarded (see the warnings); give a worker to recompute them");
            }
            return Optional.empty();
        }
        if (link.isGiven()) {
            return Optional.empty();
        }
        String forModel = modelFilter.map(m -> " for model " + m).orElse("");
        throw PipelineException.invalidRequest(models.isEmpty()
                ? "no --worker or --local given, and the cache " + cache.root() + " does not hold all " + plans.size()
                        + " traces" + forModel + " in mode " + mode.folderName() + "; give a worker to compute them"
                : "no --worker or --local given, and the cache holds every trace for several models ("
                        + models.stream().map(m -> m.modelId() + " " + m.dtype() + " backend " + m.backend()).toList()
                        + "); choose one with --expect-model or give a worker");
    }

    private Filled withWorker(List<TracePlan> plans, ModelInfo model) {
        List<CacheMetadata> entries = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Optional<CacheMetadata> hit = cache.lookup(key(model, plans.get(i)));
            entries.add(hit.orElse(null));
            if (hit.isEmpty()) {
                missing.add(i);
            }
        }
        boolean[] computed = new boolean[plans.size()];
        double[] tokenizeSeconds = new double[plans.size()];
        double[] attentionSeconds = new double[plans.size()];
        Arrays.fill(tokenizeSeconds, Double.NaN);
        Arrays.fill(attentionSeconds, Double.NaN);
        warnOfOtherVersions(entries, model);
        if (missing.isEmpty()) {
            return new Filled(model, true, entries, computed, tokenizeSeconds, attentionSeconds);
        }
        AttentionFetcher fetcher = new AttentionFetcher(link.worker(), model, options);
        try (StageProgress progress = new StageProgress(listener, Stage.ATTENTION,
                (long) missing.size() * model.numLayers())) {
            int done = 0;
            for (int i : missing) {
                TracePlan plan = plans.get(i);
                AttentionFetcher.Fetched f;
                try {
                    f = fetcher.fetch(plan, (layers, total) -> progress.advance(1, plan.id()));
                } catch (WorkerException e) {
                    throw diedMidRun(plan, e, plans.size() - missing.size() + done, plans.size());
                }
                CacheMetadata meta = new CacheMetadata(key(model, plan), model, f.ranges(), model.numLayers(),
                        model.numQueryHeads(), f.size());
                cache.store(meta, f.data());
                listener.stored(plan.id(), cache.pathOf(meta.key()));
                entries.set(i, meta);
                computed[i] = true;
                tokenizeSeconds[i] = f.tokenizeSeconds();
                attentionSeconds[i] = f.attentionSeconds();
                done++;
            }
        }
        return new Filled(model, true, entries, computed, tokenizeSeconds, attentionSeconds);
    }

    private PipelineException diedMidRun(TracePlan plan, WorkerException e, int cached, int total) {
        return PipelineException.worker(link.describe() + " failed on trace " + plan.id() + " (" + e.getMessage()
                + "); " + cached + " of " + total + " traces are cached in " + cache.root()
                + ", a rerun continues from there", e);
    }

    private CacheKey key(ModelInfo model, TracePlan plan) {
        return CacheKey.of(model, mode, plan.textSha256());
    }

    /**
     * One line when cached entries were computed by another version of the worker's backend library: the version
     * is recorded, not part of the key (docs/algorithms.md §4.5), so an upgrade keeps the cache but is said.
     */
    private void warnOfOtherVersions(List<CacheMetadata> hits, ModelInfo worker) {
        List<String> others = hits.stream().filter(Objects::nonNull).map(h -> h.model().backendVersion().orElse("?"))
                .filter(v -> !v.equals(worker.backendVersion().orElse("?"))).distinct().sorted().toList();
        if (!others.isEmpty()) {
            listener.warning("cache entries in " + cache.root() + " were computed with " + String.join(", ", others)
                    + "; the worker runs " + worker.backendVersion().orElse("an undeclared version") + " (backend "
                    + worker.backend() + "); using them: delete them to recompute");
        }
    }
}
