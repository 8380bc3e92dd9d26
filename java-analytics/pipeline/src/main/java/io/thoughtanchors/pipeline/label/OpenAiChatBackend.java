package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Any OpenAI-compatible chat-completions endpoint ({@code POST <base>/chat/completions}: OpenAI, vLLM, llama.cpp,
 * LiteLLM, ...), key as a bearer token, temperature 0, the output length left to the server (many compatible
 * servers and newer OpenAI models disagree on its field name); a cut-off answer is detected and asked again. With
 * {@code jsonSchema} the request asks for a structured answer ({@code response_format: json_schema}, strict);
 * servers that refuse that field need it off.
 */
public final class OpenAiChatBackend extends HttpLabelBackend {

    public static final String NAME = "openai";
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");
    public static final String KEY_VARIABLE = "OPENAI_API_KEY";

    private final boolean jsonSchema;

    public OpenAiChatBackend(ApiSettings settings, boolean jsonSchema) {
        super(settings, "/chat/completions");
        this.jsonSchema = jsonSchema;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String complete(LabelPrompt.Messages messages) throws InvalidLabelsException {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode().put("model", settings.model()).put("temperature", 0);
        ArrayNode list = body.putArray("messages");
        list.addObject().put("role", "system").put("content", messages.system());
        list.addObject().put("role", "user").put("content", messages.user());
        if (jsonSchema) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "sentence_labels").put("strict", true)
                    .set("schema", LabelPrompt.responseSchema());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        settings.key().ifPresent(k -> headers.put("authorization", "Bearer " + k.value()));
        String api = "OpenAI-compatible endpoint " + endpoint;
        ObjectNode answer = client.post(api, endpoint, headers, body);
        JsonNode choice = answer.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if ("length".equals(choice.path("finish_reason").asText())) {
            throw new InvalidLabelsException(api + ": the answer was cut off at the server's output token limit");
        }
        if (!content.isTextual()) {
            String refusal = choice.path("message").path("refusal").asText("");
            throw new InvalidLabelsException(api + ": the answer has no choices[0].message.content"
                    + (refusal.isEmpty() ? "" : " (refused: " + settings.key().map(k -> k.redact(refusal))
                    .orElse(refusal) + ")"));
        }
        return content.asText();
    }
}
