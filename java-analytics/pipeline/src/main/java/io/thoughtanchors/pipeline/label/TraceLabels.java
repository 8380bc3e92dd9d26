package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.cache.Json;

/**
 * Labels in and out of ta-trace/1 documents (the project's trace format): what a document gives the labeller, and the
 * document with its {@code labels} and {@code labeller} set, every other field kept as it was.
 */
public final class TraceLabels {

    public static final String FORMAT = "ta-trace/1";
    private static final String THINK_END = "</think>";

    private TraceLabels() {
    }

    /**
     * A published trace as a ta-trace/1 document: its {@code solution} split at {@code </think>} into {@code cot} and
     * {@code after_cot}, so that {@code prompt + cot + after_cot} is its {@code full_cot}.
     */
    public static ObjectNode fromPublished(Trace trace) {
        String solution = trace.baseSolution().solution();
        int end = solution.indexOf(THINK_END);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("format", FORMAT);
        doc.put("id", trace.id());
        doc.put("problem", trace.problem().problem());
        doc.put("prompt", trace.baseSolution().prompt());
        doc.put("cot", end < 0 ? solution : solution.substring(0, end));
        doc.put("after_cot", end < 0 ? "" : solution.substring(end));
        doc.put("answer", trace.baseSolution().answer());
        return doc;
    }

    /**
     * What the labeller needs from a document: its problem ("" when absent) and the sentences of its {@code cot}.
     *
     * @param defaultId the id when the document has none (the file's stem)
     * @throws IllegalArgumentException naming the field when {@code cot} is missing or empty or a field has the wrong type
     */
    public static LabelInput input(ObjectNode doc, String defaultId) {
        String id = optionalText(doc, "id", defaultId, defaultId);
        JsonNode cot = doc.get("cot");
        if (cot == null || !cot.isTextual() || cot.asText().isBlank()) {
            throw new IllegalArgumentException("trace " + id + ": field 'cot' must be a non-empty string");
        }
        var sentences = LabelInput.sentencesOf(cot.asText());
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("trace " + id + ": its chain of thought splits into no sentences");
        }
        return new LabelInput(id, optionalText(doc, "problem", "", id), sentences);
    }

    /** A copy of {@code doc} with {@code format}, {@code labels} and {@code labeller} set. */
    public static ObjectNode withLabels(ObjectNode doc, Labelling labelling) {
        ObjectNode out = doc.deepCopy();
        out.put("format", FORMAT);
        ArrayNode labels = out.putArray("labels");
        for (SentenceLabel l : labelling.labels()) {
            ObjectNode entry = labels.addObject();
            entry.put("sentence_index", l.sentenceIndex());
            entry.put("text", l.text());
            ArrayNode tags = entry.putArray("function_tags");
            l.functionTags().forEach(c -> tags.add(c.wireName()));
            ArrayNode deps = entry.putArray("depends_on");
            l.dependsOn().forEach(deps::add);
        }
        out.set("labeller", Json.MAPPER.valueToTree(labelling.labeller().toMap()));
        return out;
    }

    private static String optionalText(ObjectNode doc, String field, String fallback, String id) {
        JsonNode v = doc.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("trace " + id + ": field '" + field + "' must be a string");
        }
        return v.asText();
    }
}
