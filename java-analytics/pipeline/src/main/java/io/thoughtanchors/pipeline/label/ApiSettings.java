package io.thoughtanchors.pipeline.label;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an HTTP backend reaches its API.
 *
 * @param baseUrl         e.g. {@code https://api.openai.com/v1} or {@code http://127.0.0.1:8000/v1} (OpenAI-compatible),
 *                        {@code https://api.anthropic.com} (Anthropic)
 * @param key             absent for a local server that needs none
 * @param maxOutputTokens the answer's token limit for the Anthropic API, which requires one
 */
public record ApiSettings(URI baseUrl, String model, Optional<ApiKey> key, RetryPolicy retry, Duration requestTimeout,
                          int maxOutputTokens) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 16_000;

    public ApiSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a labelling backend needs a model name");
        }
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base URL " + baseUrl + " is not an http(s) URL");
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("max output tokens must be positive");
        }
    }

    public static ApiSettings of(URI baseUrl, String model, Optional<ApiKey> key) {
        return new ApiSettings(baseUrl, model, key, RetryPolicy.DEFAULT, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_TOKENS);
    }

    public ApiSettings withRetry(RetryPolicy r) {
        return new ApiSettings(baseUrl, model, key, r, requestTimeout, maxOutputTokens);
    }

    public ApiSettings withMaxOutputTokens(int tokens) {
        return new ApiSettings(baseUrl, model, key, retry, requestTimeout, tokens);
    }

    /** {@code baseUrl} followed by {@code path}, one slash between them. */
    URI endpoint(String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
