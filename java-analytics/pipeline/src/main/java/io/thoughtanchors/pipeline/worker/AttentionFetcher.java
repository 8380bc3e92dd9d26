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
        AttentionQuery query = query(plan, ranges);
        FlatAttentionSink sink = new FlatAttentionSink(model.numLayers(), model.numQueryHeads(),
                query.poolRanges().size());
        worker.attention(query, sink, progress);
        long done = System.nanoTime();
        return new Fetched(ranges, query.poolRanges().size(), sink.data(), (tokenized - start) / 1e9,
                (done - tokenized) / 1e9);
    }

    private AttentionQuery query(TracePlan plan, TokenRanges ranges) {
        if (ranges.size() == 0) {
            throw PipelineException.badInput("trace " + plan.id() + ": no sentence left after " + options.boundaryMode()
                    + " boundaries and " + options.truncation() + " truncation", null);
        }
        int[][] requested = options.pooling().requestRanges(ranges);
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
