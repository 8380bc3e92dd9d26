package io.thoughtanchors.worker;

/**
 * Receives attention matrices as they complete, so callers never hold all layers at once.
 * Called on the calling thread; all heads of a layer arrive before any head of the next layer.
 * Throwing from {@link #accept} cancels the call on the worker and propagates unchanged.
 */
@FunctionalInterface
public interface AttentionSink {

    void accept(AttentionMatrix matrix);
}
