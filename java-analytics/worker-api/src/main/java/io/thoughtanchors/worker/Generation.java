package io.thoughtanchors.worker;

import java.util.Optional;

/**
 * A finished generation: what the model read and wrote, and why it stopped.
 *
 * @param promptText   the prompt as text (with a chat template, the templated text; "" for token-id input); the
 *                     model read BOS + promptText
 * @param promptTokens the prompt's tokens, BOS included
 * @param ids          the new tokens, a final end-of-sequence or stop token included
 * @param text         the completion: the text the new tokens add after the prompt
 * @param stopString   for {@link StopReason#STOP_STRING}, the stop string found
 */
public record Generation(String promptText, int promptTokens, int[] ids, String text, StopReason stopReason,
                         Optional<String> stopString) {

    /** Why a generation ended. */
    public enum StopReason {
        /** The model's end-of-sequence token. */
        EOS("eos"),
        /** One of the query's stop token ids. */
        STOP_TOKEN("stop_token"),
        /** The completion text contains one of the query's stop strings. */
        STOP_STRING("stop_string"),
        /** The query's max new tokens were generated. */
        MAX_NEW_TOKENS("max_new_tokens");

        /** The name in files (ta-trace/1's generation.stop_reason). */
        public final String wireName;

        StopReason(String wireName) {
            this.wireName = wireName;
        }
    }

    public Generation {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    public int newTokens() {
        return ids.length;
    }
}
