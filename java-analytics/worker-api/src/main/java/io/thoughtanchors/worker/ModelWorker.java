package io.thoughtanchors.worker;

import java.util.List;

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

    /** Collects a POOLED query's matrices of the requested (or all) layers and heads. */
    default PooledAttention pooledAttention(AttentionQuery query, ProgressListener progress) {
        if (query.mode() != AttentionQuery.Mode.POOLED) {
            throw new IllegalArgumentException("pooledAttention needs a POOLED query");
        }
        ModelInfo info = describe();
        PooledAttention.Collector collector = new PooledAttention.Collector(
                query.layers().isEmpty() ? info.allLayers() : query.layers(),
                query.heads().isEmpty() ? info.allHeads() : query.heads(),
                query.poolRanges().size());
        attention(query, collector, progress);
        return collector.result();
    }

    /** Block-mean attention over {@code ranges} of {@code text}, all layers and heads, no suppression. */
    default PooledAttention pooledAttention(String text, List<TokenRange> ranges, ProgressListener progress) {
        return pooledAttention(AttentionQuery.pooled(ModelInput.text(text), ranges), progress);
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
