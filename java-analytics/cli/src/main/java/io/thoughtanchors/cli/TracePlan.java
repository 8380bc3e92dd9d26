package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.text.SentenceLayout;
import io.thoughtanchors.data.Trace;

/** A trace with the sentences its profile analyses and their text id; built without a worker. */
record TracePlan(Trace trace, SentenceLayout layout, String textSha256) {

    /** @throws CliFailure (bad input) naming the trace when a sentence cannot be found in its text */
    static TracePlan of(Trace trace, AnalysisOptions options) {
        SentenceLayout layout;
        try {
            layout = SentenceLayout.of(trace.baseSolution(), trace.chunks(), options.sentenceSource(),
                    options.sentenceMatch());
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput("trace " + trace.id() + ": " + e.getMessage(), e);
        }
        if (layout.size() == 0) {
            throw CliFailure.badInput("trace " + trace.id() + ": no sentences to analyse (source "
                    + options.sentenceSource() + ")", null);
        }
        String text = trace.baseSolution().fullCot();
        return new TracePlan(trace, layout, CacheKey.textSha256(text, layout.sentences()));
    }

    String id() {
        return trace.id();
    }

    /** The model text the sentences were located in. */
    String text() {
        return trace.baseSolution().fullCot();
    }
}
