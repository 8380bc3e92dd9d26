package io.thoughtanchors.data;

import java.util.regex.Pattern;

/**
 * Trace ids: unique within a run, and used as relative paths of output folders ({@code <out>/<trace id>/…}), so an id
 * is one or more segments joined by {@code /}, each starting with a letter or digit and holding only letters,
 * digits, {@code . _ + -}.
 */
public final class TraceIds {

    public static final int MAX_LENGTH = 200;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9._+-]+");

    private TraceIds() {
    }

    /** Why {@code id} is not a valid trace id, or null when it is. */
    public static String problem(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return "a trace id must have 1 to " + MAX_LENGTH + " characters";
        }
        for (String segment : id.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return "trace id '" + id + "' is not a relative path of names made of letters, digits and . _ + -"
                        + " (each starting with a letter or digit)";
            }
        }
        return null;
    }

    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /** The default id of a trace read from a file: its name without extension, made a valid id. */
    public static String fromFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
        String id = NOT_ALLOWED.matcher(stem).replaceAll("-").replaceAll("^[._+-]+", "");
        if (id.length() > MAX_LENGTH - 12) {
            id = id.substring(0, MAX_LENGTH - 12);
        }
        return id.isEmpty() ? "trace" : id;
    }
}
