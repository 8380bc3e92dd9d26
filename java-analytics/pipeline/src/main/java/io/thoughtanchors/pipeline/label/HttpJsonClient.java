package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POSTs one JSON request to an API and returns the JSON answer, retrying rate limits, server errors and broken
 * connections as its {@link RetryPolicy} says. Failures are {@link LabelException}s whose messages quote the API's
 * own error message with the key removed; headers (which hold the key) are never quoted.
 */
final class HttpJsonClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int QUOTE = 200;
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private final HttpClient http;
    private final RetryPolicy retry;
    private final Duration requestTimeout;
    private final Optional<ApiKey> key;

    HttpJsonClient(RetryPolicy retry, Duration requestTimeout, Optional<ApiKey> key) {
        // HTTP/1.1: one request per trace gains nothing from HTTP/2, and h2c upgrade headers trip some local servers
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.retry = retry;
        this.requestTimeout = requestTimeout;
        this.key = key;
    }

    /**
     * @param api     names the API in messages ("OpenAI-compatible endpoint http://…")
     * @param headers extra headers, the key's among them
     * @throws InvalidLabelsException when a 2xx answer is not a JSON object
     */
    ObjectNode post(String api, URI uri, Map<String, String> headers, ObjectNode body) throws InvalidLabelsException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("content-type", "application/json").header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                String why = api + " unreachable: " + redact(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
                waitOrFail(attempt, Optional.empty(), LabelException.Kind.TRANSPORT, why);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabelException(LabelException.Kind.TRANSPORT, api + ": interrupted", null);
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return answer(api, response.body());
            }
            String why = api + " answered HTTP " + status + errorMessage(response.body());
            if (status == 429) {
                waitOrFail(attempt, serverWait(response.headers()), LabelException.Kind.RATE_LIMITED, why);
            } else if (status / 100 == 5) {
                waitOrFail(attempt, serverWait(response.headers()), LabelException.Kind.SERVER, why);
            } else if (status == 401 || status == 403) {
                throw new LabelException(LabelException.Kind.AUTH, why + " (check the API key)", null);
            } else {
                throw new LabelException(LabelException.Kind.REQUEST, why, null);
            }
        }
    }

    private void waitOrFail(int attempt, Optional<Duration> asked, LabelException.Kind kind, String why) {
        if (attempt >= retry.maxAttempts()) {
            throw new LabelException(kind, why + " (gave up after " + attempt + " attempts)", null);
        }
        if (asked.isPresent() && asked.get().compareTo(retry.maxBackoff()) > 0) {
            throw new LabelException(kind, why + " and asks to wait " + asked.get().toSeconds() + " s, longer than the "
                    + retry.maxBackoff().toSeconds() + " s the retries may wait", null);
        }
        Duration wait = asked.orElseGet(() -> retry.backoff(attempt));
        try {
            retry.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabelException(kind, why + " (interrupted while waiting to retry)", e);
        }
    }

    private ObjectNode answer(String api, String body) throws InvalidLabelsException {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // reported below, as for any other non-object
        }
        throw new InvalidLabelsException(api + " answered HTTP 2xx with a body that is not a JSON object: \""
                + quote(body) + "\"");
    }

    /** The API's own error message (OpenAI and Anthropic both use {@code error.message}), else the body's start. */
    private String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String message;
        try {
            JsonNode m = MAPPER.readTree(body).path("error").path("message");
            message = m.isTextual() ? m.asText() : body;
        } catch (JsonProcessingException e) {
            message = body;
        }
        return ": " + quote(message);
    }

    private String quote(String s) {
        String one = redact(s).replaceAll("\\s+", " ").strip();
        return one.length() <= QUOTE ? one : one.substring(0, QUOTE) + "…";
    }

    private String redact(String s) {
        return key.map(k -> k.redact(s)).orElse(s);
    }

    /**
     * The wait a server asks for: {@code retry-after-ms}, {@code retry-after} (seconds or an HTTP date), else the
     * later of OpenAI's {@code x-ratelimit-reset-requests} / {@code -tokens} (durations such as {@code 1m30s}).
     */
    static Optional<Duration> serverWait(HttpHeaders headers) {
        Optional<Duration> ms = headers.firstValue("retry-after-ms").flatMap(v -> millis(v, 1));
        if (ms.isPresent()) {
            return ms;
        }
        Optional<String> after = headers.firstValue("retry-after");
        if (after.isPresent()) {
            Optional<Duration> d = retryAfter(after.get().strip());
            if (d.isPresent()) {
                return d;
            }
        }
        OptionalLong reset = headers.allValues("x-ratelimit-reset-requests").stream()
                .map(HttpJsonClient::goDuration).flatMap(Optional::stream)
                .mapToLong(Duration::toMillis).max();
        OptionalLong tokens = headers.allValues("x-ratelimit-reset-tokens").stream()
                .map(HttpJsonClient::goDuration).flatMap(Optional::stream)
                .mapToLong(Duration::toMillis).max();
        if (reset.isPresent() || tokens.isPresent()) {
            return Optional.of(Duration.ofMillis(Math.max(reset.orElse(0), tokens.orElse(0))));
        }
        return Optional.empty();
    }

    private static Optional<Duration> retryAfter(String value) {
        Optional<Duration> seconds = millis(value, 1000);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(Instant.now(), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A number of {@code unit} milliseconds; negative waits are none, non-numbers and non-finite ones absent. */
    private static Optional<Duration> millis(String value, double unit) {
        try {
            double v = Double.parseDouble(value.strip()) * unit;
            if (!Double.isFinite(v)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis((long) Math.ceil(Math.max(0, Math.min(v, Long.MAX_VALUE / 2.0)))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code 6m0s}, {@code 1.5s}, {@code 20ms}: OpenAI's reset durations. */
    static Optional<Duration> goDuration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = GO_DURATION.matcher(v);
        double millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return Optional.empty();
            }
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            end = m.end();
        }
        return end == v.length() && end > 0 ? Optional.of(Duration.ofMillis((long) Math.ceil(millis)))
                : Optional.empty();
    }
}
