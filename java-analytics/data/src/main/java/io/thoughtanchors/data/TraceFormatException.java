package io.thoughtanchors.data;

import java.nio.file.Path;

/** A trace folder or file is missing or does not have the published format; the message names the path. */
public class TraceFormatException extends RuntimeException {
    public TraceFormatException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public TraceFormatException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
    }
}
