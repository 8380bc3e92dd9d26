package io.thoughtanchors.pipeline.label;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waits a server asks for, in every form the two APIs and HTTP use, and the ones that are nonsense. */
class RetryHeadersTest {

    static Optional<Duration> wait(Map<String, String> headers) {
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return HttpJsonClient.serverWait(HttpHeaders.of(multi, (k, v) -> true));
    }

    @Test
    void readsSecondsMillisecondsDatesAndResetDurations() {
        assertEquals(Optional.of(Duration.ofSeconds(20)), wait(Map.of("retry-after", "20")));
        assertEquals(Optional.of(Duration.ofMillis(1500)), wait(Map.of("retry-after", "1.5")));
        assertEquals(Optional.of(Duration.ofMillis(340)), wait(Map.of("retry-after-ms", "340", "retry-after", "1")));
        assertEquals(Optional.of(Duration.ofMillis(6 * 60_000 + 500)),
                wait(Map.of("x-ratelimit-reset-requests", "6m0.5s", "x-ratelimit-reset-tokens", "20ms")));
        String inAMinute = ZonedDateTime.now().plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = wait(Map.of("retry-after", inAMinute)).orElseThrow();
        assertTrue(d.compareTo(Duration.ofSeconds(55)) > 0 && d.compareTo(Duration.ofSeconds(61)) <= 0, d.toString());
        assertEquals(Optional.empty(), wait(Map.of()));
    }

    @Test
    void nonsenseIsNoWaitOrNoneGiven() {
        assertEquals(Optional.of(Duration.ZERO), wait(Map.of("retry-after", "-5")));
        assertEquals(Optional.empty(), wait(Map.of("retry-after", "NaN")));
        assertEquals(Optional.empty(), wait(Map.of("retry-after", "soon")));
        assertEquals(Optional.of(Duration.ofSeconds(3)), wait(Map.of("retry-after-ms", "Infinity", "retry-after", "3")));
        assertEquals(Optional.empty(), wait(Map.of("x-ratelimit-reset-requests", "1x")));
        assertEquals(Optional.of(Duration.ofSeconds(2)), HttpJsonClient.goDuration("2s"));
    }
}
