package io.thoughtanchors.pipeline;

import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.Tokenization;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Several in-process workers behind one client, each call to the next one in turn, as gRPC's round robin does. */
public final class RoundRobinWorker implements ModelWorker {

    private final List<? extends ModelWorker> workers;
    private final AtomicInteger next = new AtomicInteger();

    public RoundRobinWorker(List<? extends ModelWorker> workers) {
        this.workers = List.copyOf(workers);
    }

    private ModelWorker next() {
        return workers.get(Math.floorMod(next.getAndIncrement(), workers.size()));
    }

    @Override
    public ModelInfo describe() {
        return next().describe();
    }

    @Override
    public Tokenization tokenize(String text, int[] prefixCharOffsets) {
        return next().tokenize(text, prefixCharOffsets);
    }

    @Override
    public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
        next().attention(query, sink, progress);
    }

    @Override
    public LogitsResult logits(LogitsQuery query, ProgressListener progress) {
        return next().logits(query, progress);
    }

    @Override
    public void close() {
        workers.forEach(ModelWorker::close);
    }
}
