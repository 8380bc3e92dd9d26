package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.WorkerException;

import java.util.List;
import java.util.Objects;

/**
 * Offline labelling: the worker's own model answers the labelling prompt through its Generate verb, the prompt as one
 * user message under the model's chat template (capability {@value GenerateQuery#CHAT_TEMPLATE}), decoded greedily so
 * that the same worker gives the same labels. No key, no network beyond the worker. A small model rarely gives a valid
 * answer: the labeller then asks again up to its limit and reports the last reason, as for any backend.
 *
 * <pre>{@code
 * try (ModelWorker worker = ...) {   // a worker whose model has a chat template
 *     SentenceLabeller labeller = new SentenceLabeller(new WorkerChatBackend(worker, 4096), Optional.empty(), 3,
 *             System.err::println);
 * }
 * }</pre>
 */
public final class WorkerChatBackend implements LabelBackend {

    public static final String NAME = "worker";

    private final ModelWorker worker;
    private final String model;
    private final int maxNewTokens;

    /**
     * @param worker       an open worker; it is asked for its model now and must have a chat template
     * @param maxNewTokens the answer's token limit (an answer cut there is invalid: the labeller may ask again)
     * @throws IllegalArgumentException when the worker's model has no chat template or the limit is below 1
     */
    public WorkerChatBackend(ModelWorker worker, int maxNewTokens) {
        this.worker = Objects.requireNonNull(worker, "worker");
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("the answer's token limit must be at least 1, got " + maxNewTokens);
        }
        var info = worker.describe();
        if (!info.capabilities().contains(GenerateQuery.CHAT_TEMPLATE)) {
            throw new IllegalArgumentException("the worker's model " + info.modelId() + " has no chat template"
                    + " (capability " + GenerateQuery.CHAT_TEMPLATE + "), which labelling prompts need");
        }
        this.model = info.modelId();
        this.maxNewTokens = maxNewTokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String complete(LabelPrompt.Messages messages) throws InvalidLabelsException {
        // One user message: chat templates differ in whether (and how) they take a system message.
        String message = messages.system() + "\n\n" + messages.user();
        GenerateQuery query = new GenerateQuery(ModelInput.text(message), maxNewTokens, 0f, 1f, 0, List.of(),
                new int[0], true);
        Generation answer;
        try {
            answer = worker.generate(query, (id, piece) -> { });
        } catch (WorkerException e) {
            throw new LabelException(e.kind() == WorkerException.Kind.INVALID_ARGUMENT ? LabelException.Kind.REQUEST
                    : LabelException.Kind.TRANSPORT, "the worker's model " + model + " did not answer: "
                    + e.getMessage(), e);
        }
        if (answer.stopReason() == Generation.StopReason.MAX_NEW_TOKENS) {
            throw new InvalidLabelsException("the answer was cut at " + maxNewTokens + " new tokens");
        }
        return answer.text();
    }
}
