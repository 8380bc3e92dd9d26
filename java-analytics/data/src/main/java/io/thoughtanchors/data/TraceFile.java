package io.thoughtanchors.data;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A trace of the project's own format, or a plain-text chain of thought.
 *
 * @param line     the 1-based line of a JSONL file
 * @param document the trace as read (a text file's as a document with just its chain of thought and prompt)
 */
public record TraceFile(DataLayout layout, Path file, OptionalInt line, int problemNumber, TraceDocument document)
        implements TraceSource {

    @Override
    public Path path() {
        return file;
    }

    @Override
    public Optional<String> problemStatement() {
        return document.problem();
    }
}
