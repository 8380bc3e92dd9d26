package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a model's answer against {@link LabelPrompt#responseSchema()} and the rules the schema cannot state: exactly
 * one entry per sentence in order, known categories only, at least one, dependencies only on earlier sentences,
 * nothing duplicated, no other fields. The only leniency is one Markdown code fence around the JSON, which chat
 * models add even when told not to.
 */
public final class LabelResponseParser {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern FENCE = Pattern.compile("(?s)\\A```(?:json)?\\s*\\n(.*?)\\n?```\\z");
    private static final Set<String> ENTRY_FIELDS = Set.of("index", "function_tags", "depends_on");
    private static final int QUOTE = 80;

    private LabelResponseParser() {
    }

    public static List<SentenceLabel> parse(String answer, LabelInput input) throws InvalidLabelsException {
        JsonNode root = readJson(unfenced(answer.strip()));
        if (!root.isObject()) {
            throw new InvalidLabelsException("the answer is JSON but not an object");
        }
        onlyFields(root, Set.of("sentences"), "the answer");
        JsonNode entries = root.get("sentences");
        if (entries == null || !entries.isArray()) {
            throw new InvalidLabelsException("the answer has no \"sentences\" array");
        }
        int n = input.sentences().size();
        if (entries.size() != n) {
            throw new InvalidLabelsException("the answer labels " + entries.size() + " sentences, the trace has " + n);
        }
        List<SentenceLabel> labels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            labels.add(entry(entries.get(i), i, input.sentences().get(i)));
        }
        return List.copyOf(labels);
    }

    private static String unfenced(String answer) {
        Matcher m = FENCE.matcher(answer);
        return m.matches() ? m.group(1) : answer;
    }

    private static JsonNode readJson(String text) throws InvalidLabelsException {
        try {
            JsonNode node = STRICT.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidLabelsException("the answer is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidLabelsException("the answer is not valid JSON (" + e.getOriginalMessage() + ") near \""
                    + quote(text) + "\"");
        }
    }

    private static SentenceLabel entry(JsonNode e, int i, String text) throws InvalidLabelsException {
        String where = "sentence " + i + ": ";
        if (e == null || !e.isObject()) {
            throw new InvalidLabelsException(where + "the entry is not an object");
        }
        onlyFields(e, ENTRY_FIELDS, "sentence " + i);
        JsonNode index = e.get("index");
        if (index == null || !index.isIntegralNumber() || !index.canConvertToInt() || index.intValue() != i) {
            throw new InvalidLabelsException(where + "\"index\" is " + index + ", expected " + i
                    + " (one entry per sentence, in order)");
        }
        JsonNode tags = e.get("function_tags");
        if (tags == null || !tags.isArray() || tags.isEmpty()) {
            throw new InvalidLabelsException(where + "\"function_tags\" must be a non-empty array of category names");
        }
        List<Category> categories = new ArrayList<>();
        for (JsonNode t : tags) {
            Category c = t.isTextual() ? Category.fromWireName(t.asText()).orElse(null) : null;
            if (c == null) {
                throw new InvalidLabelsException(where + "unknown category " + quote(t.toString()));
            }
            if (categories.contains(c)) {
                throw new InvalidLabelsException(where + "category " + c + " given twice");
            }
            categories.add(c);
        }
        JsonNode deps = e.get("depends_on");
        if (deps == null || !deps.isArray()) {
            throw new InvalidLabelsException(where + "\"depends_on\" must be an array of sentence numbers");
        }
        List<Integer> dependsOn = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (JsonNode d : deps) {
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0 || d.intValue() >= i) {
                throw new InvalidLabelsException(where + "depends_on entry " + quote(d.toString())
                        + " is not an earlier sentence (0.." + (i - 1) + ")");
            }
            if (!seen.add(d.intValue())) {
                throw new InvalidLabelsException(where + "depends_on entry " + d + " given twice");
            }
            dependsOn.add(d.intValue());
        }
        return new SentenceLabel(i, text, categories, dependsOn);
    }

    private static void onlyFields(JsonNode object, Set<String> allowed, String what) throws InvalidLabelsException {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidLabelsException(what + " has an unexpected field " + quote(name));
            }
        }
    }

    private static String quote(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= QUOTE ? one : one.substring(0, QUOTE) + "…";
    }
}
