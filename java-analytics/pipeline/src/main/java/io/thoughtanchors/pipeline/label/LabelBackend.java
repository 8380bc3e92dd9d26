package io.thoughtanchors.pipeline.label;

/**
 * A language model that answers the labelling prompt: the seam between {@link SentenceLabeller} (prompt, parsing,
 * retries on bad answers, cache) and how the model is reached. Implementations: {@link OpenAiChatBackend},
 * {@link AnthropicMessagesBackend}, and offline {@link WorkerChatBackend} (the worker's own model through its Generate
 * verb).
 */
public interface LabelBackend {

    /** The backend kind written into {@code labeller.backend}: {@code openai}, {@code anthropic}, ... */
    String name();

    /** The model written into {@code labeller.model}. */
    String model();

    /**
     * The model's answer text, unparsed. Retries transient failures (rate limits, server errors) itself.
     *
     * @throws InvalidLabelsException when the answer carries no usable text (cut off, empty, broken envelope): the
     *                                labeller may ask again
     * @throws LabelException         when asking again cannot help, or transient failures did not pass
     */
    String complete(LabelPrompt.Messages messages) throws InvalidLabelsException;
}
