package io.thoughtanchors.worker;

import java.util.Arrays;
import java.util.List;

/**
 * A Generate call: a continuation of {@code input}, greedy ({@code temperature} 0) or drawn from the top-p nucleus of
 * softmax(logits / temperature) with a generator seeded by {@code seed} alone, so the same query gives the same tokens
 * on the same worker. It stops at the model's end-of-sequence token, one of {@code stopTokenIds}, once the completion
 * text contains one of {@code stop}, or after {@code maxNewTokens}. With {@code applyChatTemplate} the text input is
 * one user message under the model's chat template (capability {@link #CHAT_TEMPLATE}).
 */
public record GenerateQuery(ModelInput input, int maxNewTokens, float temperature, float topP, long seed,
                            List<String> stop, int[] stopTokenIds, boolean applyChatTemplate) {

    /** The capability of a worker that serves Generate. */
    public static final String GENERATE = "generate";
    /** The capability of a worker whose model has a chat template. */
    public static final String CHAT_TEMPLATE = "generate.chat_template";

    public GenerateQuery {
        if (input == null) {
            throw new IllegalArgumentException("input is null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("temperature must be >= 0 and top-p in (0, 1], got " + temperature
                    + " and " + topP);
        }
        stop = List.copyOf(stop);
        stopTokenIds = stopTokenIds.clone();
        if (applyChatTemplate && !(input instanceof ModelInput.Text)) {
            throw new IllegalArgumentException("a chat template applies to text input (the user message)");
        }
    }

    /** Greedy, no stops, no chat template. */
    public static GenerateQuery greedy(ModelInput input, int maxNewTokens) {
        return new GenerateQuery(input, maxNewTokens, 0f, 1f, 0, List.of(), new int[0], false);
    }

    @Override
    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerateQuery q && input.equals(q.input) && maxNewTokens == q.maxNewTokens
                && Float.compare(temperature, q.temperature) == 0 && Float.compare(topP, q.topP) == 0
                && seed == q.seed && stop.equals(q.stop) && Arrays.equals(stopTokenIds, q.stopTokenIds)
                && applyChatTemplate == q.applyChatTemplate;
    }

    @Override
    public int hashCode() {
        return 31 * input.hashCode() + Long.hashCode(seed) + maxNewTokens;
    }

    @Override
    public String toString() {
        return "GenerateQuery[" + input + ", maxNewTokens=" + maxNewTokens + ", temperature=" + temperature
                + ", topP=" + topP + ", seed=" + seed + ", stop=" + stop + ", stopTokenIds="
                + Arrays.toString(stopTokenIds) + ", applyChatTemplate=" + applyChatTemplate + "]";
    }
}
