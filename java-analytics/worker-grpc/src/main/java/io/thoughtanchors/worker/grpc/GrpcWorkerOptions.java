package io.thoughtanchors.worker.grpc;

import java.time.Duration;

/**
 * Transport settings of a {@link GrpcModelWorker}.
 *
 * @param unaryDeadline          deadline of Describe and Tokenize
 * @param streamDeadline         deadline of Attention and Logits (long: a suppression sweep takes minutes)
 * @param maxInboundMessageBytes largest reply message accepted; the worker chunks at 4 MiB by
 *                               default, the margin covers workers configured with larger chunks
 * @param maxAttempts            attempts per call when a worker is UNAVAILABLE (gRPC retry policy, at most 5)
 * @param initialBackoff         first retry delay; later ones double up to {@code maxBackoff}
 */
public record GrpcWorkerOptions(Duration unaryDeadline, Duration streamDeadline, int maxInboundMessageBytes,
                                int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final GrpcWorkerOptions DEFAULTS = new GrpcWorkerOptions(Duration.ofMinutes(1),
            Duration.ofHours(2), 64 << 20, 4, Duration.ofMillis(200), Duration.ofSeconds(5));

    public GrpcWorkerOptions {
        for (Duration d : new Duration[] {unaryDeadline, streamDeadline, initialBackoff, maxBackoff}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d);
            }
        }
        if (maxInboundMessageBytes < 1 << 20) {
            throw new IllegalArgumentException("maxInboundMessageBytes below 1 MiB: " + maxInboundMessageBytes);
        }
        if (maxAttempts < 1 || maxAttempts > 5) {
            throw new IllegalArgumentException("maxAttempts must be in [1, 5], got " + maxAttempts);
        }
    }

    public GrpcWorkerOptions withUnaryDeadline(Duration deadline) {
        return new GrpcWorkerOptions(deadline, streamDeadline, maxInboundMessageBytes, maxAttempts, initialBackoff,
                maxBackoff);
    }

    public GrpcWorkerOptions withStreamDeadline(Duration deadline) {
        return new GrpcWorkerOptions(unaryDeadline, deadline, maxInboundMessageBytes, maxAttempts, initialBackoff,
                maxBackoff);
    }
}
