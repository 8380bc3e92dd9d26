package io.thoughtanchors.pipeline.label;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long an API call is retried on a rate limit (429), an overloaded or failing server (5xx) or a
 * broken connection. The wait is the server's own (retry-after, retry-after-ms, x-ratelimit-reset-*) when it gives
 * one, else {@code initialBackoff} doubled per attempt up to {@code maxBackoff}; a server asking for more than
 * {@code maxBackoff} fails the call at once with what it asked.
 *
 * @param maxAttempts calls in all, the first included (at least 1)
 * @param sleeper     how the wait is spent ({@link Sleeper#THREAD} but in tests)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {

    /** Spends a wait. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper THREAD = d -> Thread.sleep(d.toMillis());

        void sleep(Duration wait) throws InterruptedException;
    }

    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(2), Duration.ofMinutes(2),
            Sleeper.THREAD);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(sleeper, "sleeper");
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retries need maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff");
        }
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, sleeper);
    }

    public RetryPolicy withSleeper(Sleeper s) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, s);
    }

    /** The wait before attempt {@code attempt + 1} when the server named none: 1-based {@code attempt}. */
    Duration backoff(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
