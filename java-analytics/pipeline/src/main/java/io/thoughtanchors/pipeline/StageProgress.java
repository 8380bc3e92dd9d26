package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.PipelineListener.Stage;

/**
 * Counts one stage's units and reports them to a listener: {@code started} on creation, {@code finished} on
 * close. Thread-safe.
 */
public final class StageProgress implements AutoCloseable {

    private final PipelineListener listener;
    private final Stage stage;
    private long done;
    private long total;

    public StageProgress(PipelineListener listener, Stage stage, long total) {
        this.listener = listener;
        this.stage = stage;
        this.total = total;
        listener.started(stage, total);
    }

    /** {@code units} more are done; {@code item} is what is being worked on. */
    public synchronized void advance(long units, String item) {
        done += units;
        listener.progressed(stage, done, total, item);
    }

    /** The stage turned out to need {@code delta} more (or fewer) units than announced. */
    public synchronized void adjustTotal(long delta, String item) {
        if (delta != 0) {
            total += delta;
            listener.progressed(stage, done, total, item);
        }
    }

    @Override
    public void close() {
        listener.finished(stage);
    }
}
