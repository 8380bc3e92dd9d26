package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.worker.ModelInfo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A generated chain of thought as a ta-trace/1 object. The model text is exactly {@code prompt + cot + after_cot}: the
 * completion is cut at its first {@code </think>} (which opens {@code after_cot}); a completion that opens its own
 * {@code <think>} (a prompt that does not) has that opening moved into {@code prompt}, so that {@code cot} carries no
 * tags. A completion without {@code </think>} is all chain of thought, flagged {@code closed_think: false}.
 *
 * @param stopReason ta-trace/1's generation.stop_reason: eos, stop_string, max_new_tokens or cancelled (ta generate
 *                   asks for no stop token ids, so the worker's stop_token, which ta-trace/1 does not define, never
 *                   comes)
 * @param finished   the model ended the generation itself (an end-of-sequence or stop token, a stop string)
 */
public record GeneratedTrace(String id, String problem, String prompt, String cot, String afterCot,
                             Optional<String> answer, boolean closedThink, boolean finished, String stopReason,
                             int newTokens) {

    public static final String FORMAT = "ta-trace/1";
    static final String OPEN_THINK = "<think>";
    static final String CLOSE_THINK = "</think>";

    /** Splits {@code completion}, written after {@code promptText}, into chain of thought and what follows. */
    public static GeneratedTrace of(String id, String problem, String promptText, String completion, boolean finished,
                                    String stopReason, int newTokens) {
        String prompt = promptText;
        String rest = completion;
        int open = rest.indexOf(OPEN_THINK);
        if (!promptText.stripTrailing().endsWith(OPEN_THINK) && open >= 0 && rest.substring(0, open).isBlank()) {
            int end = open + OPEN_THINK.length();
            end += rest.startsWith("\n", end) ? 1 : 0;
            prompt += rest.substring(0, end);
            rest = rest.substring(end);
        }
        int close = rest.indexOf(CLOSE_THINK);
        String cot = close >= 0 ? rest.substring(0, close) : rest;
        String afterCot = close >= 0 ? rest.substring(close) : "";
        return new GeneratedTrace(id, problem, prompt, cot, afterCot, lastBoxed(afterCot), close >= 0, finished,
                stopReason, newTokens);
    }

    /** The content of the last {@code \boxed{...}} in {@code text}, braces balanced. */
    static Optional<String> lastBoxed(String text) {
        int start = text.lastIndexOf("\\boxed{");
        if (start < 0) {
            return Optional.empty();
        }
        int from = start + "\\boxed{".length();
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                return Optional.of(text.substring(from, i));
            }
        }
        return Optional.empty();
    }

    /** The model text the trace stands for. */
    public String modelText() {
        return prompt + cot + afterCot;
    }

    /**
     * The ta-trace/1 document, fields in the format's order, checked by {@link TraceDocument} as every reader checks
     * it.
     *
     * @param sampling what the trace was generated with (temperature, top_p, seed, max_new_tokens, stop, chat_template)
     */
    public TraceDocument document(ModelInfo model, Map<String, Object> sampling) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("id", id);
        json.put("problem", problem);
        json.put("prompt", prompt);
        json.put("cot", cot);
        json.put("after_cot", afterCot);
        answer.ifPresent(a -> json.put("answer", a));
        json.put("model", modelJson(model));
        json.put("sampling", sampling);
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("finished", finished);
        generation.put("stop_reason", stopReason);
        generation.put("new_tokens", newTokens);
        generation.put("closed_think", closedThink);
        json.put("generation", generation);
        return TraceDocument.fromJson(Json.MAPPER.valueToTree(json));
    }

    private static Map<String, Object> modelJson(ModelInfo m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.modelId());
        json.put("architecture", m.architecture());
        json.put("dtype", m.dtype());
        json.put("backend", m.backend());
        m.backendVersion().ifPresent(v -> json.put("backend_version", v));
        json.put("worker_version", m.workerVersion());
        json.put("synthetic_weights", m.syntheticWeights());
        return json;
    }
}
