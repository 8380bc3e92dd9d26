package io.thoughtanchors.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's view of its caller's listener: calls are serialised (suppression passes and the analysis report from
 * several threads) and every warning is also kept for the result and run.json.
 */
final class RunEvents implements PipelineListener {

    private final PipelineListener listener;
    private final List<String> warnings = new ArrayList<>();

    RunEvents(PipelineListener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized void warning(String message) {
        warnings.add(message);
        listener.warning(message);
    }

    @Override
    public synchronized void started(Stage stage, long total) {
        listener.started(stage, total);
    }

    @Override
    public synchronized void progressed(Stage stage, long done, long total, String item) {
        listener.progressed(stage, done, total, item);
    }

    @Override
    public synchronized void finished(Stage stage) {
        listener.finished(stage);
    }

    @Override
    public synchronized void stored(String traceId, Path file) {
        listener.stored(traceId, file);
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }
}
