package io.thoughtanchors.worker;

/**
 * Progress of a streamed call, reported on the calling thread: layers for attention, suppression
 * variants for logits. {@code done} grows by one per report and reaches {@code total} at the end.
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total) -> { };

    void onProgress(int done, int total);
}
