package io.thoughtanchors.pipeline.label;

import java.util.List;
import java.util.Objects;

/**
 * What one trace's labelling depends on: the problem it solves ("" when unknown) and its sentences, in order (the
 * project's split, {@code SentenceSplitter.sentences}: see {@link TraceLabels#input}).
 *
 * @param id only names the trace in messages; the labels and the cache depend on the problem and sentences alone
 */
public record LabelInput(String id, String problem, List<String> sentences) {

    public LabelInput {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(problem, "problem");
        sentences = List.copyOf(sentences);
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("trace " + id + " has no sentences to label");
        }
    }
}
