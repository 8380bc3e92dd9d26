package io.thoughtanchors.data;

import java.nio.file.Path;
import java.util.Optional;

/** Where a trace was read, and what its source says about it beyond the text and the sentences. */
public sealed interface TraceSource permits PublishedFolder, TraceFile {

    DataLayout layout();

    /** The problem folder, or the file the trace was read from. */
    Path path();

    /**
     * Traces of one problem share this number (the split-half reliability by problem keeps them together): the
     * published problem id, or for a trace file one number per distinct problem statement, in order of appearance.
     */
    int problemNumber();

    /** The problem statement, when the source has one. */
    Optional<String> problemStatement();
}
