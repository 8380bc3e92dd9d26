package io.thoughtanchors.data;

import java.util.List;

/**
 * How a chain of thought of one's own becomes sentences: the readers do not split text themselves, the caller
 * passes the project's splitter (the analysis module's {@code SentenceSplitter::sentences}), so that every command
 * and every labeller sees the same sentence list.
 */
@FunctionalInterface
public interface SentenceSplit {
    /** The sentences of {@code cot}, in order, each non-empty. */
    List<String> sentences(String cot);
}
