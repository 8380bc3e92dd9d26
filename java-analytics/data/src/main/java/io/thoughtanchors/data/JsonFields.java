package io.thoughtanchors.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Typed access to the fields of a JSON file's objects, each failure a {@link TraceFormatException} naming the file,
 * its line when it is one record of a JSONL file, and the field.
 */
final class JsonFields {

    /** Strict: a duplicated field or anything after the value is an error, not a silent choice. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Where a value was read: a file, or one line of a JSONL file; {@link #NONE} for a value handed over in memory,
     * whose problems are {@link IllegalArgumentException}s.
     */
    record Source(Path file, OptionalInt line) {

        static final Source NONE = new Source(null, OptionalInt.empty());

        static Source of(Path file) {
            return new Source(file, OptionalInt.empty());
        }

        static Source of(Path file, int line) {
            return new Source(file, OptionalInt.of(line));
        }

        RuntimeException error(String problem) {
            return error(problem, null);
        }

        RuntimeException error(String problem, Throwable cause) {
            if (file == null) {
                return new IllegalArgumentException(problem, cause);
            }
            return line.isPresent() ? new TraceFormatException(file, line.getAsInt(), problem, cause)
                    : new TraceFormatException(file, problem, cause);
        }
    }

    private JsonFields() {
    }

    /** The whole file (UTF-8, BOM accepted) as one JSON value. */
    static JsonNode readFile(Path file) {
        return parse(Source.of(file), TextFiles.readUtf8(file));
    }

    static JsonNode parse(Source at, String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw at.error("no JSON value (the file is empty)");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw at.error("malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    static JsonNode requireObject(Source at, JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw at.error(what + " must be a JSON object");
        }
        return n;
    }

    static String text(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw at.error(where + "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    /** Absent or null: empty; any other non-string is an error. */
    static Optional<String> optionalText(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw at.error(where + "field '" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    static int integer(Source at, JsonNode n, String field, String where) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw at.error(where + "field '" + field + "' must be an integer");
        }
        return v.intValue();
    }

    static double requiredNumber(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw at.error(where + "field '" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    /** Optional numeric field: absent or null → NaN (a missing value); any other non-number is an error. */
    static double number(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw at.error(where + "field '" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    static boolean bool(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw at.error(where + "field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    static List<String> stringList(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw at.error(where + "field '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw at.error(where + "field '" + field + "' must be an array of strings");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** Sentence indices, as integers or (the published {@code depends_on}) as strings of digits; absent = none. */
    static List<Integer> indexList(Source at, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw at.error(where + "field '" + field + "' must be an array");
        }
        List<Integer> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            try {
                out.add(e.isIntegralNumber() && e.canConvertToInt() ? e.intValue() : Integer.parseInt(e.asText().trim()));
            } catch (NumberFormatException ex) {
                throw at.error(where + field + " entry '" + e.asText() + "' is not a sentence index", ex);
            }
        }
        return List.copyOf(out);
    }
}
