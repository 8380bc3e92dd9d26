package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Anthropic Messages API ({@code POST <base>/v1/messages}, {@code x-api-key}, version 2023-06-01), temperature 0. */
public final class AnthropicMessagesBackend extends HttpLabelBackend {

    public static final String NAME = "anthropic";
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");
    public static final String KEY_VARIABLE = "ANTHROPIC_API_KEY";
    static final String API_VERSION = "2023-06-01";

    public AnthropicMessagesBackend(ApiSettings settings) {
        super(settings, "/v1/messages");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String complete(LabelPrompt.Messages messages) throws InvalidLabelsException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", settings.model())
                .put("max_tokens", settings.maxOutputTokens()).put("temperature", 0).put("system", messages.system());
        body.putArray("messages").addObject().put("role", "user").put("content", messages.user());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("anthropic-version", API_VERSION);
        settings.key().ifPresent(k -> headers.put("x-api-key", k.value()));
        String api = "Anthropic API " + endpoint;
        ObjectNode answer = client.post(api, endpoint, headers, body);
        if ("max_tokens".equals(answer.path("stop_reason").asText())) {
            throw new InvalidLabelsException(api + ": the answer was cut off at " + settings.maxOutputTokens()
                    + " output tokens");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : answer.path("content")) {
            if ("text".equals(block.path("type").asText()) && block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            }
        }
        if (text.isEmpty()) {
            throw new InvalidLabelsException(api + ": the answer has no text content block");
        }
        return text.toString();
    }
}
