package io.thoughtanchors.worker;

import java.time.Duration;

/**
 * Told each time a client retries a call by itself: a busy worker (RESOURCE_EXHAUSTED), one that cannot be reached
 * or stopped answering (UNAVAILABLE). Called on the calling thread, before the wait.
 */
@FunctionalInterface
public interface RetryListener {

    RetryListener NONE = (verb, cause, delay, attempt) -> { };

    /**
     * @param verb    the call, e.g. {@code Logits}
     * @param cause   why the last attempt failed; its message names the worker where known
     * @param delay   how long the client waits before the next attempt
     * @param attempt the attempt that failed, from 1
     */
    void retrying(String verb, WorkerException cause, Duration delay, int attempt);
}
