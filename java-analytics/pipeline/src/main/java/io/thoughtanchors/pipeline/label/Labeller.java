package io.thoughtanchors.pipeline.label;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who labelled: the backend kind ({@code openai}, {@code anthropic}, ...), its model and the prompt version. Written as
 * the {@code labeller} object of a ta-trace/1 document; labels of different labellers are never mixed up in the cache.
 */
public record Labeller(String backend, String model, String promptVersion) {

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("backend", backend);
        map.put("model", model);
        map.put("prompt_version", promptVersion);
        return map;
    }
}
