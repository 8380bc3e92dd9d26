package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.HeadControls;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.util.List;

/**
 * What a receiver-head run computed, in memory, and where its files went. Pooled attention is not kept (it can be
 * large); {@link #pooled} reads one trace's back from the cache.
 */
public final class ReceiversResult {

    private final ReceiversRequest request;
    private final ReceiverHeads.Computed computed;
    private final List<TracePlan> traces;
    private final Path outputDir;
    private final List<Path> files;
    private final List<String> warnings;

    ReceiversResult(ReceiversRequest request, ReceiverHeads.Computed computed, List<TracePlan> traces,
                    Path outputDir, List<Path> files, List<String> warnings) {
        this.request = request;
        this.computed = computed;
        this.traces = List.copyOf(traces);
        this.outputDir = outputDir;
        this.files = List.copyOf(files);
        this.warnings = List.copyOf(warnings);
    }

    public ReceiversRequest request() {
        return request;
    }

    /** The model the matrices came from: the worker's Describe answer, or the one recorded in the cache. */
    public ModelInfo model() {
        return computed.filled().model();
    }

    /** Whether a worker was contacted for the model (false: every trace came from the cache). */
    public boolean modelFromWorker() {
        return computed.filled().modelFromWorker();
    }

    /** The analysed traces with their sentences, in the analysis' order. */
    public List<TracePlan> traces() {
        return traces;
    }

    /** Each trace's sentence token ranges, in the same order. */
    public List<TokenRanges> tokenRanges() {
        return computed.filled().entries().stream().map(CacheMetadata::ranges).toList();
    }

    /** Per trace: whether this run computed its attention (false: it came from the cache). */
    public List<Boolean> computed() {
        boolean[] flags = computed.filled().computed();
        return java.util.stream.IntStream.range(0, flags.length).mapToObj(i -> flags[i]).toList();
    }

    /** Everything the analysis computed: kurtosis, ranking, receiver scores, reliability, categories, black box. */
    public ReceiverHeadResult analysis() {
        return computed.result();
    }

    /**
     * The receiver-head controls (docs/algorithms.md §6.4–6.5): recency share per head, the proximity sweep and, when
     * asked for, the re-segmentation null.
     */
    public HeadControls.Result controls() {
        return computed.controls().orElseThrow();
    }

    public Profile profile() {
        return request.profile();
    }

    public AnalysisOptions options() {
        return request.options();
    }

    /** Trace {@code i}'s pooled attention, read back from the cache now. */
    public PooledAttention pooled(int i) {
        return computed.pooled(i);
    }

    /** Seconds spent filling the attention cache (forward passes and cache reads). */
    public double attentionSeconds() {
        return computed.attentionSeconds();
    }

    public Path cacheRoot() {
        return computed.cache().root();
    }

    public Path outputDir() {
        return outputDir;
    }

    /** Every file the run wrote into the output folder, in the order written (run.json last). */
    public List<Path> files() {
        return files;
    }

    /** Every warning of the run, also in run.json. */
    public List<String> warnings() {
        return warnings;
    }

    ReceiverHeads.Computed computation() {
        return computed;
    }
}
