package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.text.SentenceLayout;
import io.thoughtanchors.analysis.text.SentenceNotFoundException;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.cache.CacheKey;

/** A trace with the sentences its options analyse and its text id (what the caches are keyed by); no worker needed. */
public record TracePlan(Trace trace, SentenceLayout layout, String textSha256) {

    /** @throws PipelineException (bad input) naming the trace when a sentence cannot be found in its text */
    public static TracePlan of(Trace trace, AnalysisOptions options) {
        SentenceLayout layout;
        try {
            layout = SentenceLayout.of(trace.baseSolution(), trace.chunks(), options.sentenceSource(),
                    options.sentenceMatch());
        } catch (SentenceNotFoundException e) {
            throw PipelineException.badInput("trace " + trace.id() + ": " + e.getMessage(), e);
        }
        if (layout.size() == 0) {
            throw PipelineException.badInput("trace " + trace.id() + ": no sentences to analyse (source "
                    + options.sentenceSource() + ")", null);
        }
        return new TracePlan(trace, layout, CacheKey.textSha256(trace.baseSolution().fullCot(), layout.sentences()));
    }

    public String id() {
        return trace.id();
    }

    /** The model text the sentences were located in. */
    public String text() {
        return trace.baseSolution().fullCot();
    }
}
