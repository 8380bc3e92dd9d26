package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.pipeline.cache.DamagedEntryException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Labels one trace at a time: the cached labels when there are any, else the backend's answer to {@link LabelPrompt},
 * parsed strictly and asked again (up to {@code maxAnswers} in all) when it is invalid, then cached.
 *
 * <pre>{@code
 * LabelBackend api = new OpenAiChatBackend(ApiSettings.of(OpenAiChatBackend.DEFAULT_BASE_URL, "gpt-4.1",
 *         ApiKey.fromEnvironment("OPENAI_API_KEY")), true);
 * SentenceLabeller labeller = new SentenceLabeller(api, Optional.of(new LabelCache(Path.of(".ta-cache"))), 3,
 *         System.err::println);
 * Labelling l = labeller.label(new LabelInput("mine", problem, SentenceSplitter.sentences(cot)));
 * }</pre>
 */
public final class SentenceLabeller {

    public static final int DEFAULT_MAX_ANSWERS = 3;

    private final LabelBackend backend;
    private final Optional<LabelCache> cache;
    private final int maxAnswers;
    private final Consumer<String> warnings;
    private final Labeller labeller;

    /**
     * @param maxAnswers answers asked for one trace at most, when earlier ones are invalid (at least 1)
     * @param warnings   receives one line per damaged cache entry that is relabelled
     */
    public SentenceLabeller(LabelBackend backend, Optional<LabelCache> cache, int maxAnswers, Consumer<String> warnings) {
        if (maxAnswers < 1) {
            throw new IllegalArgumentException("at least one answer must be allowed");
        }
        this.backend = Objects.requireNonNull(backend, "backend");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.maxAnswers = maxAnswers;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.labeller = new Labeller(backend.name(), backend.model(), LabelPrompt.VERSION);
    }

    public Labeller labeller() {
        return labeller;
    }

    /**
     * @throws LabelException       when the backend fails, or every answer was invalid (the last reason quoted)
     * @throws UncheckedIOException when the labels cannot be cached
     */
    public Labelling label(LabelInput input) {
        Optional<List<SentenceLabel>> cached = cached(input);
        if (cached.isPresent()) {
            return new Labelling(cached.get(), labeller, true, 0);
        }
        LabelPrompt.Messages prompt = LabelPrompt.render(input);
        String lastReason = "";
        for (int answer = 1; answer <= maxAnswers; answer++) {
            try {
                List<SentenceLabel> labels = LabelResponseParser.parse(backend.complete(prompt), input);
                store(input, labels);
                return new Labelling(labels, labeller, false, answer);
            } catch (InvalidLabelsException e) {
                lastReason = e.getMessage();
            }
        }
        throw new LabelException(LabelException.Kind.BAD_RESPONSE, "trace " + input.id() + ": " + backend.name()
                + " model " + backend.model() + " gave no valid labels in " + maxAnswers + " answers; the last: "
                + lastReason, null);
    }

    private Optional<List<SentenceLabel>> cached(LabelInput input) {
        if (cache.isEmpty()) {
            return Optional.empty();
        }
        try {
            return cache.get().find(input, labeller);
        } catch (DamagedEntryException e) {
            warnings.accept("trace " + input.id() + ": " + e.getMessage() + "; labelling again");
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the label cache " + cache.get().root() + ": " + e, e);
        }
    }

    private void store(LabelInput input, List<SentenceLabel> labels) {
        if (cache.isPresent()) {
            try {
                cache.get().store(input, labeller, labels);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the label cache " + cache.get().root() + ": " + e, e);
            }
        }
    }
}
