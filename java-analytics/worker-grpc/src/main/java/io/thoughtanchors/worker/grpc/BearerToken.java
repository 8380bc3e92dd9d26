package io.thoughtanchors.worker.grpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bearer token a worker run with {@code --token-file} wants, sent as {@code authorization: Bearer <token>} by
 * gRPC's call credentials. The value never leaves this class except on the wire: {@link #toString()} and every
 * error message leave it out, so it cannot reach a log, run.json or a terminal by accident.
 */
public final class BearerToken {

    private final String value;

    private BearerToken(String value) {
        this.value = value;
    }

    /** The token itself (e.g. from the environment); surrounding whitespace is dropped. */
    public static BearerToken of(String token) {
        String value = token == null ? "" : token.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the worker token is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {  // what an HTTP/2 header value can carry, without spaces
                throw new IllegalArgumentException("the worker token holds a character other than visible ASCII"
                        + " (at position " + i + ")");
            }
        }
        return new BearerToken(value);
    }

    /** The one token of {@code file}: one non-blank line (the worker's file may hold several, one per user). */
    public static BearerToken read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (lines.size() != 1) {
            throw new IllegalArgumentException("the token file " + file + (lines.isEmpty() ? " is empty"
                    : " holds " + lines.size() + " lines; a client's token file holds one token"));
        }
        try {
            return of(lines.get(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the token file " + file + ": " + e.getMessage());
        }
    }

    /** For the call credentials only. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
