package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.analysis.text.TokenCounter;
import io.thoughtanchors.analysis.text.TokenOffsets;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.Tokenization;

/** The boundary builders' tokeniser: the worker's own, so token positions match its forward pass. */
public final class WorkerTokenCounter implements TokenCounter {

    private static final int[] NO_OFFSETS = new int[0];

    private final ModelWorker worker;

    public WorkerTokenCounter(ModelWorker worker) {
        this.worker = worker;
    }

    @Override
    public int[] prefixTokenCounts(String text, int[] charOffsets) {
        return worker.tokenize(text, charOffsets).prefixTokenCounts();
    }

    @Override
    public TokenOffsets tokenize(String text) {
        Tokenization t = worker.tokenize(text, NO_OFFSETS);
        return new TokenOffsets(t.ids(), t.charStarts(), t.charEnds(), t.tokens().toArray(String[]::new));
    }
}
