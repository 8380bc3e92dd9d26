package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.analysis.attention.FineRanges;
import io.thoughtanchors.analysis.attention.SegmentationNull;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.cache.CacheFiller;
import io.thoughtanchors.pipeline.worker.AttentionFetcher;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The re-segmentation null's worker passes (docs/algorithms.md §6.4): per trace, pooled attention over its sentences
 * cut into blocks of at most B tokens ({@link FineRanges}), added to the null and dropped before the next trace, so
 * one trace's {@code L·H·F²} floats are the most ever held. Every trace's size is checked against
 * {@link #MAX_FINE_FLOATS} before the first of these passes. Fine matrices are not cached: each holds
 * {@code (F/n)²} times the floats of the trace's cached sentence matrices, and only the null asks for them.
 */
final class SegmentationNullPasses {

    /** The most floats one trace's fine matrices may hold: 2^27 (512 MiB of float32). */
    static final long MAX_FINE_FLOATS = 1L << 27;

    /**
     * @param traces   the traces in the null, by id, each with its fine blocks, tokens and pass seconds
     * @param leftOut  traces that cannot be re-segmented, with the reason
     * @param seconds  wall seconds of the passes and the null's arithmetic together
     */
    record Outcome(Optional<SegmentationNull.Result> result, List<Map<String, Object>> traces,
                   Map<String, String> leftOut, double seconds) {
    }

    private SegmentationNullPasses() {
    }

    static Outcome run(List<TracePlan> plans, CacheFiller.Filled filled, AnalysisOptions options,
                       HeadControlOptions controls, WorkerLink link, PipelineListener listener, int parallelism) {
        long start = System.nanoTime();
        ModelInfo model = filled.model();
        int block = controls.nullBlockTokens();
        Map<String, String> leftOut = new LinkedHashMap<>();
        List<Integer> kept = new ArrayList<>();
        List<FineRanges> fine = new ArrayList<>();
        List<String> tooLarge = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            TokenRanges ranges = filled.entries().get(i).ranges();
            Optional<String> why = unsegmentable(ranges);
            if (why.isPresent()) {
                leftOut.put(plans.get(i).id(), why.get());
                listener.warning("trace " + plans.get(i).id() + " is left out of the re-segmentation null: " + why.get());
                continue;
            }
            FineRanges f = FineRanges.of(ranges, block);
            if (floats(model, f.ranges().length) > MAX_FINE_FLOATS) {
                tooLarge.add(plans.get(i).id() + " (" + f.ranges().length + " blocks)");
            }
            kept.add(i);
            fine.add(f);
        }
        if (!tooLarge.isEmpty()) {
            throw PipelineException.invalidRequest("--null-block-tokens " + block + " gives traces whose fine pooled"
                    + " attention (layers x heads x blocks² = " + model.numLayers() + " x " + model.numQueryHeads()
                    + " x F²) exceeds " + MAX_FINE_FLOATS + " floats (" + (MAX_FINE_FLOATS * 4 >> 20) + " MiB): "
                    + String.join(", ", tooLarge.subList(0, Math.min(5, tooLarge.size())))
                    + (tooLarge.size() > 5 ? ", ..." : "") + "; " + fittingBlock(filled, kept, model)
                    + " (no null pass was made)");
        }
        if (kept.isEmpty()) {
            return new Outcome(Optional.empty(), List.of(), leftOut, (System.nanoTime() - start) / 1e9);
        }
        ModelInfo worker = link.info();
        if (!worker.modelId().equals(model.modelId()) || !worker.dtype().equals(model.dtype())) {
            throw PipelineException.invalidRequest("the re-segmentation null needs the model of the cached matrices ("
                    + model.modelId() + " " + model.dtype() + "), but " + link.describe() + " serves "
                    + worker.modelId() + " " + worker.dtype());
        }
        SegmentationNull.Accumulator accumulator = new SegmentationNull.Accumulator(
                fine.stream().map(FineRanges::sentenceBlocks).toList(), model.numLayers(), model.numQueryHeads(),
                controls.nullOptions(options));
        AttentionFetcher fetcher = new AttentionFetcher(link.worker(), model, options);
        List<Map<String, Object>> traces = new ArrayList<>();
        try (StageProgress progress = new StageProgress(listener, Stage.SEGMENTATION_NULL,
                (long) kept.size() * model.numLayers())) {
            for (int r = 0; r < kept.size(); r++) {
                TracePlan plan = plans.get(kept.get(r));
                FineRanges f = fine.get(r);
                long t0 = System.nanoTime();
                float[] data;
                try {
                    data = fetcher.pooled(plan, filled.entries().get(kept.get(r)).ranges(), f.ranges(),
                            (layers, total) -> progress.advance(1, plan.id()));
                } catch (WorkerException e) {
                    throw PipelineException.worker(link.describe() + " failed on the re-segmentation null's pass of"
                            + " trace " + plan.id() + " (" + e.getMessage() + "); the sentence-level matrices are"
                            + " cached, a rerun makes only the null's passes again", e);
                }
                long t1 = System.nanoTime();
                accumulator.add(r, f.trace(model.numLayers(), model.numQueryHeads(), data), parallelism);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", plan.id());
                row.put("fine_blocks", f.ranges().length);
                row.put("tokens", Arrays.stream(f.blockTokens()).sum());
                row.put("pass_seconds", (t1 - t0) / 1e9);
                row.put("null_seconds", (System.nanoTime() - t1) / 1e9);
                traces.add(row);
            }
        }
        return new Outcome(Optional.of(accumulator.result()), traces, leftOut, (System.nanoTime() - start) / 1e9);
    }

    /** Why a trace's sentences cannot be laid end to end as segments: an empty one, or two that overlap. */
    static Optional<String> unsegmentable(TokenRanges r) {
        for (int s = 0; s < r.size(); s++) {
            if (r.end()[s] <= r.start()[s]) {
                return Optional.of("sentence " + r.sentenceIndex()[s] + " has no tokens [" + r.start()[s] + ", "
                        + r.end()[s] + ")");
            }
            if (s > 0 && r.start()[s] < r.end()[s - 1]) {
                return Optional.of("sentences " + r.sentenceIndex()[s - 1] + " and " + r.sentenceIndex()[s]
                        + " overlap in tokens");
            }
        }
        return Optional.empty();
    }

    private static long floats(ModelInfo model, long blocks) {
        return (long) model.numLayers() * model.numQueryHeads() * blocks * blocks;
    }

    /** What to do: the smallest block size at which every kept trace fits the bound, if there is one. */
    private static String fittingBlock(CacheFiller.Filled filled, List<Integer> kept, ModelInfo model) {
        List<TokenRanges> ranges = kept.stream().map(i -> filled.entries().get(i).ranges()).toList();
        int longest = 1;
        for (TokenRanges r : ranges) {
            for (int s = 0; s < r.size(); s++) {
                longest = Math.max(longest, r.end()[s] - r.start()[s]);
            }
        }
        // beyond the longest sentence every sentence is one block: larger blocks change nothing
        for (int block = 1; block <= longest; block++) {
            int b = block;
            if (ranges.stream().allMatch(r -> floats(model, FineRanges.of(r, b).ranges().length) <= MAX_FINE_FLOATS)) {
                return "raise --null-block-tokens to at least " + block;
            }
        }
        return "even one block per sentence is too large for these traces: leave the null out or analyse fewer"
                + " sentences per trace";
    }
}
