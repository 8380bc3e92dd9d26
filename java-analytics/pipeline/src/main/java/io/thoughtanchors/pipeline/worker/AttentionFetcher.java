package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.text.TokenBoundaries;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.TokenRange;

import java.util.Arrays;
import java.util.List;

/**
 * One trace through the worker: token ranges from its tokeniser (boundary mode and truncation of the options),
 * then pooled attention of every layer and head over the ranges the pooling convention asks for.
 */
public final class AttentionFetcher {

    /**
     * A trace's ranges and its flat pooled matrices ({@code size} = number of requested ranges), with the time
     * spent on tokenisation (boundaries) and on the attention call.
     */
    public record Fetched(TokenRanges ranges, int size, float[] data, double tokenizeSeconds, double attentionSeconds) {
    }

    private final ModelWorker worker;
    private final ModelInfo model;
    private final AnalysisOptions options;

    public AttentionFetcher(ModelWorker worker, ModelInfo model, AnalysisOptions options) {
        this.worker = worker;
        this.model = model;
        this.options = options;
    }

    public Fetched fetch(TracePlan plan, ProgressListener progress) {
        long start = System.nanoTime();
        TokenRanges ranges = TokenBoundaries.build(plan.text(), plan.layout(), options.boundaryMode(),
                options.truncation(), new WorkerTokenCounter(worker));
        long tokenized = System.nanoTime();
        if (ranges.size() == 0) {
            throw PipelineException.badInput("trace " + plan.id() + ": no sentence left after " + options.boundaryMode()
                    + " boundaries and " + options.truncation() + " truncation", null);
        }
        int[][] requested = options.pooling().requestRanges(ranges);
        float[] data = pooled(plan, ranges, requested, progress);
        long done = System.nanoTime();
        return new Fetched(ranges, requested.length, data, (tokenized - start) / 1e9, (done - tokenized) / 1e9);
    }

    /**
     * Pooled attention of every layer and head over {@code requested} token ranges of the trace's model input
     * ({@code ranges} say how far that input goes): the sentence ranges of a pooling convention, or finer ones.
     *
     * @return flat {@code [layers][heads][F][F]}, F = {@code requested.length}
     */
    public float[] pooled(TracePlan plan, TokenRanges ranges, int[][] requested, ProgressListener progress) {
        AttentionQuery query = query(plan, ranges, requested);
        FlatAttentionSink sink = new FlatAttentionSink(model.numLayers(), model.numQueryHeads(),
                query.poolRanges().size());
        worker.attention(query, sink, progress);
        return sink.data();
    }

    private AttentionQuery query(TracePlan plan, TokenRanges ranges, int[][] requested) {
        for (int k = 0; k < requested.length; k++) {
            int previousEnd = k == 0 ? 0 : requested[k - 1][1];
            if (requested[k][0] > requested[k][1] || requested[k][0] < previousEnd) {
                throw PipelineException.badInput("trace " + plan.id() + ": its token ranges cannot be pooled: range "
                        + k + " is [" + requested[k][0] + ", " + requested[k][1] + ") after one ending at "
                        + previousEnd + " (sentences overlap in the text under " + options.boundaryMode() + ")", null);
            }
        }
        List<TokenRange> pool = Arrays.stream(requested).map(r -> new TokenRange(r[0], r[1])).toList();
        return AttentionQuery.pooled(ModelInput.text(plan.text().substring(0, ranges.textLength())), pool);
    }
}
