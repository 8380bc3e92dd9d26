package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thoughtanchors.worker.WorkerException.Kind;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The retry decisions alone, with the jitter pinned to its ends. */
class CallRetryTest {

    private static final GrpcWorkerOptions OPTIONS = GrpcWorkerOptions.DEFAULTS
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withRetryTimeout(Duration.ofSeconds(10));
    private static final Duration LONG = Duration.ofHours(1);
    private static final OptionalLong NO_HINT = OptionalLong.empty();

    private static Optional<Duration> next(double jitter, Kind kind, OptionalLong hint, int attempt, Duration since,
                                           boolean silent, boolean answered, Duration untilDeadline) {
        return new CallRetry(OPTIONS, () -> jitter).next(kind, hint, attempt, since, silent, answered, untilDeadline);
    }

    @Test
    void backoffDoublesUpToItsCeilingAndIsDrawnFromTheUpperHalf() {
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (int attempt = 1; attempt <= ceilings.length; attempt++) {
            long ceiling = ceilings[attempt - 1];
            assertEquals(Optional.of(Duration.ofMillis(ceiling / 2)), next(0, Kind.RESOURCE_EXHAUSTED, NO_HINT, attempt,
                    Duration.ZERO, false, true, LONG), "attempt " + attempt);
            assertEquals(Optional.of(Duration.ofMillis(ceiling)), next(1, Kind.RESOURCE_EXHAUSTED, NO_HINT, attempt,
                    Duration.ZERO, false, true, LONG), "attempt " + attempt);
        }
    }

    @Test
    void theWorkersHintReplacesTheBackoffWithUpToAFifthMore() {
        assertEquals(Optional.of(Duration.ofMillis(3000)), next(0, Kind.RESOURCE_EXHAUSTED, OptionalLong.of(3000), 1,
                Duration.ZERO, false, true, LONG));
        assertEquals(Optional.of(Duration.ofMillis(3600)), next(1, Kind.RESOURCE_EXHAUSTED, OptionalLong.of(3000), 1,
                Duration.ZERO, false, true, LONG));
    }

    @Test
    void aNegativeOrUnreadableHintMeansDoNotRetry() {
        assertEquals(Optional.empty(), next(0.5, Kind.RESOURCE_EXHAUSTED, OptionalLong.of(-1), 1, Duration.ZERO,
                false, true, LONG));
    }

    @Test
    void retriesStopAtTheRetryTimeoutAndBeforeTheDeadline() {
        assertEquals(Optional.empty(), next(1, Kind.RESOURCE_EXHAUSTED, NO_HINT, 9, Duration.ofMillis(9500), false,
                true, LONG), "9.5 s + 1 s passes the 10 s retry timeout");
        assertTrue(next(1, Kind.RESOURCE_EXHAUSTED, NO_HINT, 9, Duration.ofMillis(8900), false, true, LONG).isPresent());
        assertEquals(Optional.empty(), next(1, Kind.RESOURCE_EXHAUSTED, NO_HINT, 1, Duration.ZERO, false, true,
                Duration.ofMillis(100)), "the deadline comes first");
    }

    @Test
    void unreachableBeforeAnyAnswerGetsMaxAttemptsAndASilentWorkerNone() {
        for (int attempt = 1; attempt < OPTIONS.maxAttempts(); attempt++) {
            assertTrue(next(0.5, Kind.UNAVAILABLE, NO_HINT, attempt, Duration.ZERO, false, false, LONG).isPresent());
        }
        assertEquals(Optional.empty(), next(0.5, Kind.UNAVAILABLE, NO_HINT, OPTIONS.maxAttempts(), Duration.ZERO,
                false, false, LONG));
        assertEquals(Optional.empty(), next(0.5, Kind.UNAVAILABLE, NO_HINT, 1, Duration.ZERO, true, false, LONG));
        assertTrue(next(0.5, Kind.UNAVAILABLE, NO_HINT, 7, Duration.ZERO, false, true, LONG).isPresent(),
                "once a worker has answered, an outage is ridden out for the retry timeout");
        assertTrue(next(0.5, Kind.UNAVAILABLE, NO_HINT, 1, Duration.ZERO, true, true, LONG).isPresent());
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"RESOURCE_EXHAUSTED", "UNAVAILABLE"}, mode = EnumSource.Mode.EXCLUDE)
    void otherFailuresAreFinal(Kind kind) {
        assertEquals(Optional.empty(), next(0.5, kind, NO_HINT, 1, Duration.ZERO, false, true, LONG));
        assertEquals(Optional.empty(), next(0.5, kind, OptionalLong.of(10), 1, Duration.ZERO, false, true, LONG),
                "a hint does not make a final status retryable");
    }
}
