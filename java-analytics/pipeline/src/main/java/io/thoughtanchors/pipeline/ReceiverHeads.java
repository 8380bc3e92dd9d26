package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.NanKurtosisException;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheFiller;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.worker.WorkerLink;

import java.util.ArrayList;
import java.util.List;

/**
 * The receiver-head computation every command shares (receivers, report, suppress-check): fill the attention cache
 * through the worker (or not, when cached), then run the analysis over the cached matrices.
 */
final class ReceiverHeads {

    /** The capability every receiver-head computation needs. */
    static final String POOLED_ATTENTION = "attention.pooled";

    /** The cache entries and what the analysis made of them, with the seconds each step took. */
    record Computed(CacheFiller.Filled filled, ReceiverHeadResult result, AttentionCache cache,
                    AnalysisOptions options, double attentionSeconds, double analysisSeconds) {

        /** Trace {@code i}'s pooled attention, loaded from the cache now (it is not kept in memory). */
        PooledAttention pooled(int i) {
            return load(options, cache, filled.entries().get(i));
        }
    }

    private ReceiverHeads() {
    }

    static Computed compute(List<TracePlan> plans, AnalysisOptions options, int parallelism, AttentionCache cache,
                            WorkerLink link, PipelineListener listener) {
        long t0 = System.nanoTime();
        CacheFiller.Filled filled = new CacheFiller(cache, options, link, listener).fill(plans);
        long t1 = System.nanoTime();
        ReceiverHeadResult result;
        try (StageProgress progress = new StageProgress(listener, Stage.ANALYSIS, plans.size())) {
            List<ReceiverHeadAnalysis.TraceInput> inputs = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                CacheMetadata entry = filled.entries().get(i);
                String id = plans.get(i).id();
                // loaded lazily, one trace per analysis thread, so all traces never sit in memory at once
                inputs.add(new ReceiverHeadAnalysis.TraceInput(plans.get(i).trace(), () -> {
                    PooledAttention attention = load(options, cache, entry);
                    progress.advance(1, id);
                    return attention;
                }));
            }
            result = new ReceiverHeadAnalysis(options, parallelism).run(inputs);
        } catch (NanKurtosisException e) {
            throw PipelineException.badInput(e.getMessage() + ", which --nan-heads " + options.nanHeadPolicy()
                    + " refuses (--nan-heads PROPAGATE leaves such heads out of the ranking)", e);
        }
        return new Computed(filled, result, cache, options, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }

    private static PooledAttention load(AnalysisOptions options, AttentionCache cache, CacheMetadata entry) {
        return options.pooling().wrap(entry.layers(), entry.heads(), entry.ranges().labelIndex(), cache.load(entry));
    }
}
