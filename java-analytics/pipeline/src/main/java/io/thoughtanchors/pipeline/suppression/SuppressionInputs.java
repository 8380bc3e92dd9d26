package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.text.TokenBoundaries;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.worker.WorkerTokenCounter;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelWorker;

import java.util.Optional;

/**
 * A trace's {@link SuppressionInput}: from its suppression store; else token ranges from the receivers cache
 * (same model, boundary mode and truncation) or built with the worker's tokeniser, plus one tokenisation for the
 * ids. Stored for the next run.
 */
public final class SuppressionInputs {

    private final ModelWorker worker;
    private final ModelInfo model;
    private final AnalysisOptions options;
    private final AttentionCache receiversCache;

    public SuppressionInputs(ModelWorker worker, ModelInfo model, AnalysisOptions options, AttentionCache receiversCache) {
        this.worker = worker;
        this.model = model;
        this.options = options;
        this.receiversCache = receiversCache;
    }

    /** The input and where its token ranges came from ("store", "receivers cache" or "worker"). */
    public record Resolved(SuppressionInput input, String rangesSource) {
    }

    Resolved resolve(TracePlan plan, SuppressionStore store) {
        Optional<SuppressionInput> stored = store.readInput();
        if (stored.isPresent()) {
            return new Resolved(stored.get(), "store");
        }
        Optional<TokenRanges> cached = receiversCache.lookup(CacheKey.of(model,
                new CacheKey.Mode(options.boundaryMode(), options.truncation(), options.pooling()), plan.textSha256()))
                .map(CacheMetadata::ranges);
        TokenRanges ranges = cached.orElseGet(() -> TokenBoundaries.build(plan.text(), plan.layout(),
                options.boundaryMode(), options.truncation(), new WorkerTokenCounter(worker)));
        if (ranges.size() == 0) {
            throw PipelineException.badInput("trace " + plan.id() + ": no sentence left after " + options.boundaryMode()
                    + " boundaries and " + options.truncation() + " truncation", null);
        }
        int[] ids = worker.tokenize(plan.text().substring(0, ranges.textLength()), new int[0]).ids();
        if (ids.length != ranges.numTokens()) {
            throw PipelineException.worker("trace " + plan.id() + ": the worker tokenises its text into " + ids.length
                    + " tokens, the token ranges were built for " + ranges.numTokens(), null);
        }
        SuppressionInput input = SuppressionInput.cut(ranges, ids);
        store.writeInput(input, model);
        return new Resolved(input, cached.isPresent() ? "receivers cache" : "worker");
    }
}
