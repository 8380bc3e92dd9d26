package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.analysis.text.SentenceSplitter;

import java.util.List;
import java.util.Objects;

/**
 * What one trace's labelling depends on: the problem it solves ("" when unknown) and its sentences, in order.
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

    /**
     * The sentences of a chain of thought as ta-trace/1 defines them: the project's splitter with the text after the
     * last boundary kept as a last sentence, so every sentence of the chain of thought gets a label.
     */
    public static List<String> sentencesOf(String cot) {
        return SentenceSplitter.splitIntoChunks(cot, SentenceSplitter.Tail.KEEP);
    }
}
