package io.thoughtanchors.data;

import java.nio.file.Path;

/**
 * A trace folder or file is missing or does not have its layout's format; the message is one line naming the path
 * (and the line of a JSONL file) and what is wrong.
 */
public class TraceFormatException extends RuntimeException {
    public TraceFormatException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public TraceFormatException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
    }

    /** @param line 1-based line of a JSONL file */
    public TraceFormatException(Path path, int line, String problem, Throwable cause) {
        super(path + " line " + line + ": " + problem, cause);
    }
}
