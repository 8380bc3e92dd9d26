package io.thoughtanchors.worker;

/**
 * A model worker: one causal LM answering forward-pass questions. Every analysis lives in the
 * caller. Implementations are thread-safe; failures are {@link WorkerException}s.
 */
public interface ModelWorker extends AutoCloseable {

    /** What model is loaded and what the worker can do. */
    ModelInfo describe();

    /**
     * Token ids as the model sees them (BOS included), their character spans, and for each of
     * {@code prefixCharOffsets} (UTF-16 offsets into {@code text}) the token count of that prefix.
     */
    Tokenization tokenize(String text, int[] prefixCharOffsets);

    /**
     * Streams attention matrices to {@code sink}, one per (layer, head), layer by layer, and
     * reports completed layers to {@code progress}. Returns when every requested matrix arrived.
     */
    void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress);

    default void attention(AttentionQuery query, AttentionSink sink) {
        attention(query, sink, ProgressListener.NONE);
    }

    /** Runs every variant and reports completed variants to {@code progress}. */
    LogitsResult logits(LogitsQuery query, ProgressListener progress);

    default LogitsResult logits(LogitsQuery query) {
        return logits(query, ProgressListener.NONE);
    }

    /** Releases connections and buffers; narrows {@link AutoCloseable#close()} to throw nothing checked. */
    @Override
    void close();
}
