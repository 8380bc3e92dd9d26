package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.analysis.HeadControls;
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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiver-head computation every command shares (receivers, report, suppress-check): fill the attention cache
 * through the worker (or not, when cached), then run the analysis over the cached matrices.
 */
final class ReceiverHeads {

    /** The capability every receiver-head computation needs. */
    static final String POOLED_ATTENTION = "attention.pooled";

    /**
     * The cache entries and what the analysis made of them, with the seconds each step took.
     *
     * @param controls        the receiver-head controls, when asked for (recency share, sweep; the null is added
     *                        later by {@link SegmentationNullPasses})
     * @param controlsSeconds thread-seconds the controls took inside the analysis
     */
    record Computed(CacheFiller.Filled filled, ReceiverHeadResult result, AttentionCache cache,
                    AnalysisOptions options, double attentionSeconds, double analysisSeconds,
                    Optional<HeadControls.Result> controls, double controlsSeconds) {

        Computed withControls(HeadControls.Result c) {
            return new Computed(filled, result, cache, options, attentionSeconds, analysisSeconds, Optional.of(c),
                    controlsSeconds);
        }

        /** Trace {@code i}'s pooled attention, loaded from the cache now (it is not kept in memory). */
        PooledAttention pooled(int i) {
            return load(options, cache, filled.entries().get(i));
        }
    }

    private ReceiverHeads() {
    }

    /** @param controls the controls to compute from the same matrices as each trace is analysed; empty = none */
    static Computed compute(List<TracePlan> plans, AnalysisOptions options, Optional<HeadControlOptions> controls,
                            int parallelism, AttentionCache cache, WorkerLink link, PipelineListener listener) {
        long t0 = System.nanoTime();
        CacheFiller.Filled filled = new CacheFiller(cache, options, link, listener).fill(plans);
        long t1 = System.nanoTime();
        ReceiverHeadResult result;
        HeadControls.TraceControls[] perTrace = new HeadControls.TraceControls[plans.size()];
        AtomicLong controlsNanos = new AtomicLong();
        try (StageProgress progress = new StageProgress(listener, Stage.ANALYSIS, plans.size())) {
            List<ReceiverHeadAnalysis.TraceInput> inputs = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                CacheMetadata entry = filled.entries().get(i);
                String id = plans.get(i).id();
                int index = i;
                // loaded lazily, one trace per analysis thread, so all traces never sit in memory at once; the
                // controls read the same matrices there, so they cost no second cache read
                inputs.add(new ReceiverHeadAnalysis.TraceInput(plans.get(i).trace(), () -> {
                    PooledAttention attention = load(options, cache, entry);
                    controls.ifPresent(c -> {
                        long start = System.nanoTime();
                        perTrace[index] = HeadControls.ofTrace(attention, options, c);
                        controlsNanos.addAndGet(System.nanoTime() - start);
                    });
                    progress.advance(1, id);
                    return attention;
                }));
            }
            result = new ReceiverHeadAnalysis(options, parallelism).run(inputs);
        } catch (NanKurtosisException e) {
            throw PipelineException.badInput(e.getMessage() + ", which --nan-heads " + options.nanHeadPolicy()
                    + " refuses (--nan-heads PROPAGATE leaves such heads out of the ranking)", e);
        }
        long t2 = System.nanoTime();
        Optional<HeadControls.Result> controlResult = controls.map(c -> HeadControls.combine(result.traceIds(),
                Arrays.asList(perTrace), result.ranking(), options, c));
        controlsNanos.addAndGet(System.nanoTime() - t2);
        return new Computed(filled, result, cache, options, (t1 - t0) / 1e9, (t2 - t1) / 1e9, controlResult,
                controlsNanos.get() / 1e9);
    }

    private static PooledAttention load(AnalysisOptions options, AttentionCache cache, CacheMetadata entry) {
        return options.pooling().wrap(entry.layers(), entry.heads(), entry.ranges().labelIndex(), cache.load(entry));
    }
}
