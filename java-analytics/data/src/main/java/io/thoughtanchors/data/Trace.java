package io.thoughtanchors.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One chain of thought, from whatever layout it was read: its text, its sentence list, and what its source adds.
 * Categories and black-box importance are optional everywhere: a trace of one's own has neither until it is
 * labelled, and analyses that need them leave such a trace out, saying so.
 *
 * <p>The importance matrices are {@code n × n} over the chunks, row = source sentence, column = target sentence.
 * {@code stepImportance} has zeros on and below the diagonal (as the published summary assumes);
 * {@code stepImportanceSupp} has NaN wherever the file has no value. Arrays are shared, not copied: treat them as
 * read-only.
 *
 * @param id                 unique within a run; also a relative path of output folders (checked when read)
 * @param chunks             the sentence list the labels and importance are indexed by: the published
 *                           {@code chunks_labeled.json} / {@code chunks.json} chunks, or the project's split of the
 *                           chain of thought
 * @param labels             one per chunk, when the trace is labelled
 * @param importance         one per chunk, when the trace has black-box importance
 * @param stepImportance     the sentence-to-sentence resampling matrix ({@code step_importance.json})
 * @param summary            the published {@code summary.json}
 * @param stepImportanceSupp the published suppression matrix ({@code step_importance_supp.json})
 */
public record Trace(String id, TraceSource source, TraceText text, List<String> chunks,
                    Optional<List<ChunkLabel>> labels, Optional<List<ChunkImportance>> importance,
                    Optional<double[][]> stepImportance, Optional<Summary> summary,
                    Optional<double[][]> stepImportanceSupp) {

    public Trace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        chunks = List.copyOf(chunks);
        labels = labels.map(List::copyOf);
        importance = importance.map(List::copyOf);
        int n = chunks.size();
        labels.ifPresent(l -> requireSize(id, "labels", l.size(), n));
        importance.ifPresent(i -> requireSize(id, "importance values", i.size(), n));
        stepImportance.ifPresent(m -> requireSize(id, "step-importance rows", m.length, n));
        stepImportanceSupp.ifPresent(m -> requireSize(id, "suppression-matrix rows", m.length, n));
    }

    private static void requireSize(String id, String what, int size, int chunks) {
        if (size != chunks) {
            throw new IllegalArgumentException(id + ": " + size + " " + what + " for " + chunks + " chunks");
        }
    }

    public int numChunks() {
        return chunks.size();
    }

    /** Chunk {@code index}'s labels; empty when the trace is unlabelled or there is no such chunk. */
    public Optional<ChunkLabel> label(int index) {
        return labels.filter(l -> index >= 0 && index < l.size()).map(l -> l.get(index));
    }

    /** Chunk {@code index}'s category (its first function tag); empty when unlabelled or out of range. */
    public Optional<String> category(int index) {
        return label(index).map(ChunkLabel::primaryTag);
    }

    /** Chunk {@code index}'s black-box importance; empty when the trace has none or there is no such chunk. */
    public Optional<ChunkImportance> importance(int index) {
        return importance.filter(l -> index >= 0 && index < l.size()).map(l -> l.get(index));
    }

    public DataLayout layout() {
        return source.layout();
    }
}
