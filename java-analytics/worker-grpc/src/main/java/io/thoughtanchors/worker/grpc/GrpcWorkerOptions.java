package io.thoughtanchors.worker.grpc;

import java.time.Duration;

/**
 * How a {@link GrpcModelWorker} times and retries its calls.
 *
 * @param deadline               the most a whole call may take, its retries included (a suppression sweep takes
 *                               minutes on a large model)
 * @param idleTimeout            the most the client waits for the next message of a call (its reply, or the next
 *                               chunk of a stream; the first one includes the wait in the worker's queue). A worker
 *                               silent for longer is taken as hung: the call is cancelled and fails UNAVAILABLE
 *                               naming it, and the next calls avoid it for four idle timeouts
 * @param retryTimeout           how long after its first failure a call keeps retrying a worker that is busy
 *                               (RESOURCE_EXHAUSTED) or, once a worker has answered, unreachable (UNAVAILABLE: a
 *                               restart, a network outage); only before any message of the answer has arrived. Long by
 *                               default: a busy worker is working, and a large model takes minutes to restart
 * @param maxInboundMessageBytes largest reply message accepted; the worker chunks at 4 MiB by default, the margin
 *                               covers workers configured with larger chunks
 * @param maxAttempts            attempts of a call that finds no worker before any worker has answered: a wrong
 *                               address fails fast instead of waiting for the retry timeout
 * @param initialBackoff         first retry delay without a hint from the worker; later ones double (with jitter)
 *                               up to {@code maxBackoff}
 */
public record GrpcWorkerOptions(Duration deadline, Duration idleTimeout, Duration retryTimeout,
                                int maxInboundMessageBytes, int maxAttempts, Duration initialBackoff,
                                Duration maxBackoff) {

    public static final GrpcWorkerOptions DEFAULTS = new GrpcWorkerOptions(Duration.ofHours(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), 64 << 20, 4, Duration.ofMillis(200), Duration.ofSeconds(10));

    public GrpcWorkerOptions {
        for (Duration d : new Duration[] {deadline, idleTimeout, retryTimeout, initialBackoff, maxBackoff}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d);
            }
        }
        if (maxInboundMessageBytes < 1 << 20) {
            throw new IllegalArgumentException("maxInboundMessageBytes below 1 MiB: " + maxInboundMessageBytes);
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be in [1, 10], got " + maxAttempts);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
        }
    }

    public GrpcWorkerOptions withDeadline(Duration value) {
        return new GrpcWorkerOptions(value, idleTimeout, retryTimeout, maxInboundMessageBytes, maxAttempts,
                initialBackoff, maxBackoff);
    }

    public GrpcWorkerOptions withIdleTimeout(Duration value) {
        return new GrpcWorkerOptions(deadline, value, retryTimeout, maxInboundMessageBytes, maxAttempts,
                initialBackoff, maxBackoff);
    }

    public GrpcWorkerOptions withRetryTimeout(Duration value) {
        return new GrpcWorkerOptions(deadline, idleTimeout, value, maxInboundMessageBytes, maxAttempts,
                initialBackoff, maxBackoff);
    }

    public GrpcWorkerOptions withBackoff(Duration initial, Duration max) {
        return new GrpcWorkerOptions(deadline, idleTimeout, retryTimeout, maxInboundMessageBytes, maxAttempts,
                initial, max);
    }
}
