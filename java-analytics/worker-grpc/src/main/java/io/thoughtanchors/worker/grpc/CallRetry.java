package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.WorkerException.Kind;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * When a failed call is tried again, and after how long. Only failures before any message of the answer arrived
 * get here (the caller checks): such a call has delivered nothing, so sending it again cannot deliver anything twice.
 * <ul>
 *   <li>RESOURCE_EXHAUSTED (the worker is busy) and UNAVAILABLE (no worker reached, or the reached one went silent)
 *       are retried; everything else is final.</li>
 *   <li>The delay is the worker's hint ({@code grpc-retry-pushback-ms}, gRFC A6) plus up to 20% jitter, else an
 *       exponential backoff (doubling from the initial backoff up to the maximum, each drawn from its upper half) so
 *       that many refused clients do not come back in step. A negative or unreadable hint means "do not retry".</li>
 *   <li>Retries stop once the next one would start later than the retry timeout after the first failure, or after
 *       the call's deadline; while no worker has ever answered, UNAVAILABLE gets only {@code maxAttempts} attempts
 *       and a silent worker none, so that a wrong address or a dead worker is reported at once.</li>
 * </ul>
 */
final class CallRetry {

    private final GrpcWorkerOptions options;
    private final DoubleSupplier random;

    CallRetry(GrpcWorkerOptions options, DoubleSupplier random) {
        this.options = options;
        this.random = random;
    }

    /**
     * @param failedAttempt     the attempt that failed, from 1
     * @param pushbackMillis    the worker's hint, if its trailers carried one; -1 for an unreadable one
     * @param sinceFirstFailure time since the call's first failed attempt ended
     * @param silent            the attempt was cancelled because the worker sent nothing for the idle timeout
     * @param answeredBefore    some call of this client has had an answer from a worker
     * @param untilDeadline     what is left of the call's deadline
     * @return the delay before the next attempt, or empty to give up
     */
    Optional<Duration> next(Kind kind, OptionalLong pushbackMillis, int failedAttempt, Duration sinceFirstFailure,
                            boolean silent, boolean answeredBefore, Duration untilDeadline) {
        if (kind != Kind.RESOURCE_EXHAUSTED && kind != Kind.UNAVAILABLE) {
            return Optional.empty();
        }
        if (pushbackMillis.isPresent() && pushbackMillis.getAsLong() < 0) {
            return Optional.empty();
        }
        if (kind == Kind.UNAVAILABLE && !answeredBefore && (silent || failedAttempt >= options.maxAttempts())) {
            return Optional.empty();
        }
        Duration delay = pushbackMillis.isPresent()
                ? Duration.ofMillis(Math.round(pushbackMillis.getAsLong() * (1 + 0.2 * random.getAsDouble())))
                : backoff(failedAttempt);
        if (sinceFirstFailure.plus(delay).compareTo(options.retryTimeout()) > 0 || delay.compareTo(untilDeadline) >= 0) {
            return Optional.empty();
        }
        return Optional.of(delay);
    }

    private Duration backoff(int failedAttempt) {
        double initial = options.initialBackoff().toNanos();
        double ceiling = Math.min(options.maxBackoff().toNanos(), initial * Math.pow(2, Math.min(failedAttempt - 1, 30)));
        return Duration.ofNanos(Math.round(ceiling * (0.5 + 0.5 * random.getAsDouble())));
    }
}
