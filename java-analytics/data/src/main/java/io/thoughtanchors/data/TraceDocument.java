package io.thoughtanchors.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One trace of the project's own format, {@value #FORMAT} (docs/data-formats.md): a JSON object with the chain of
 * thought and, optionally, its problem, prompt, what followed it, the model and sampling that produced it, sentence
 * labels and black-box importance. Immutable: every {@code with…} returns a new document. Fields this class does
 * not know are kept as they are, so that a command rewriting a trace (labelling it, say) loses nothing.
 *
 * <p>The model text is {@code prompt + cot + after_cot}; sentences are split from {@code cot} by the project's
 * splitter, and {@code labels} / {@code importance} are indexed by those sentences.
 */
public final class TraceDocument {

    public static final String FORMAT = "ta-trace/1";
    /** The published traces' prompt around a problem statement: the default prompt when a trace has a problem. */
    public static final String PROMPT_BEFORE_PROBLEM =
            "Solve this math problem step by step. You MUST put your final answer in \\boxed{}. Problem: ";
    public static final String PROMPT_AFTER_PROBLEM = " Solution: \n<think>\n";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFields.Source NOWHERE = JsonFields.Source.NONE;

    /** A sentence's labels as a labeller wrote them; {@code text} is the sentence, to catch a changed split. */
    public record Label(int sentenceIndex, String text, List<String> functionTags, List<Integer> dependsOn) {
        public Label {
            Objects.requireNonNull(text, "text");
            functionTags = List.copyOf(functionTags);
            dependsOn = List.copyOf(dependsOn);
        }
    }

    /** A sentence's black-box importance (fields absent from the file are NaN). */
    public record Importance(int sentenceIndex, ChunkImportance values) {
    }

    /** How the chain of thought was sampled ({@code ta generate}). */
    public record Sampling(double temperature, double topP, OptionalLong seed, int maxNewTokens, List<String> stop,
                           boolean chatTemplate) {
        public Sampling {
            stop = List.copyOf(stop);
        }
    }

    /** Why a generation ended. */
    public enum StopReason {
        EOS, STOP_STRING, MAX_NEW_TOKENS, CANCELLED;

        /** The name in the file, e.g. {@code max_new_tokens}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<StopReason> ofWireName(String name) {
            for (StopReason r : values()) {
                if (r.wireName().equals(name)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * How a generation ended.
     *
     * @param finished    false when it stopped at max_new_tokens or was cancelled (the trace is kept, flagged)
     * @param closedThink whether the model closed its chain of thought with {@code </think>}
     */
    public record Generation(boolean finished, StopReason stopReason, int newTokens, boolean closedThink) {
        public Generation {
            Objects.requireNonNull(stopReason, "stopReason");
        }
    }

    private final ObjectNode json;

    private TraceDocument(ObjectNode json) {
        this.json = json;
    }

    /** A document holding just a chain of thought. */
    public static TraceDocument of(String cot) {
        ObjectNode json = NODES.objectNode();
        json.put("format", FORMAT);
        json.put("cot", cot);
        return fromJson(json);
    }

    /**
     * A document from its JSON object, every known field checked.
     *
     * @throws IllegalArgumentException naming the first field that does not have the format's type
     */
    public static TraceDocument fromJson(JsonNode json) {
        return parse(NOWHERE, json);
    }

    /** As {@link #fromJson}, failures naming {@code at}. */
    static TraceDocument parse(JsonFields.Source at, JsonNode json) {
        JsonFields.requireObject(at, json, "a trace");
        TraceDocument doc = new TraceDocument(((ObjectNode) json).deepCopy());
        doc.check(at);
        return doc;
    }

    private void check(JsonFields.Source at) {
        Optional<String> format = JsonFields.optionalText(at, json, "format", "");
        if (format.isPresent() && !format.get().equals(FORMAT)) {
            throw at.error("format '" + format.get() + "' is not " + FORMAT + ", the trace format this ta reads");
        }
        Optional<String> id = JsonFields.optionalText(at, json, "id", "");
        if (id.isPresent() && !TraceIds.isValid(id.get())) {
            throw at.error(TraceIds.problem(id.get()));
        }
        for (String field : List.of("problem", "prompt", "after_cot", "answer")) {
            JsonFields.optionalText(at, json, field, "");
        }
        if (!json.has("cot")) {
            throw at.error("field 'cot' (the chain of thought) is missing");
        }
        String cot = JsonFields.text(at, json, "cot", "");
        if (cot.isBlank()) {
            throw at.error("field 'cot' is " + (cot.isEmpty() ? "empty" : "only whitespace")
                    + ": there is no chain of thought to analyse");
        }
        for (String field : List.of("model", "labeller")) {
            if (json.has(field) && !json.get(field).isObject()) {
                throw at.error("field '" + field + "' must be an object");
            }
        }
        sampling(at);
        generation(at);
        labels(at);
        importance(at);
    }

    // ---- the fields ----

    /** The id it goes by when it has none: the file's name (and line, in a JSONL file). */
    public Optional<String> id() {
        return optionalText("id");
    }

    public Optional<String> problem() {
        return optionalText("problem");
    }

    /** The prompt as given; see {@link #effectivePrompt} for the one the model text uses. */
    public Optional<String> prompt() {
        return optionalText("prompt");
    }

    public String cot() {
        return json.get("cot").asText();
    }

    public String afterCot() {
        return optionalText("after_cot").orElse("");
    }

    /** The extracted final answer (informational). */
    public Optional<String> answer() {
        return optionalText("answer");
    }

    /**
     * The text before the chain of thought: {@code prompt}; else the published prompt around {@code problem}; else
     * nothing.
     */
    public String effectivePrompt() {
        return prompt().orElseGet(() -> problem().map(p -> PROMPT_BEFORE_PROBLEM + p + PROMPT_AFTER_PROBLEM)
                .orElse(""));
    }

    /** The text as the three parts the analyses use. */
    public TraceText text() {
        return new TraceText(effectivePrompt(), cot(), afterCot());
    }

    /** The model that produced the trace (model id, dtype, backend…), as written. */
    public Optional<ObjectNode> model() {
        return object("model");
    }

    public Optional<Sampling> sampling() {
        return sampling(NOWHERE);
    }

    public Optional<Generation> generation() {
        return generation(NOWHERE);
    }

    public Optional<List<Label>> labels() {
        return labels(NOWHERE);
    }

    /** Who labelled the sentences (backend, model, prompt version), as written. */
    public Optional<ObjectNode> labeller() {
        return object("labeller");
    }

    public Optional<List<Importance>> importance() {
        return importance(NOWHERE);
    }

    /** Any field, known or not, as written (a copy). */
    public Optional<JsonNode> field(String name) {
        return Optional.ofNullable(json.get(name)).map(JsonNode::deepCopy);
    }

    /** The JSON object as it is written: {@code format} first, then every field, unknown ones included (a copy). */
    public ObjectNode toJson() {
        ObjectNode out = NODES.objectNode();
        out.put("format", FORMAT);
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("format")) {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }

    // ---- changed copies ----

    public TraceDocument withId(String id) {
        return with("id", NODES.textNode(id));
    }

    public TraceDocument withProblem(String problem) {
        return with("problem", NODES.textNode(problem));
    }

    public TraceDocument withPrompt(String prompt) {
        return with("prompt", NODES.textNode(prompt));
    }

    public TraceDocument withCot(String cot) {
        return with("cot", NODES.textNode(cot));
    }

    public TraceDocument withAfterCot(String afterCot) {
        return with("after_cot", NODES.textNode(afterCot));
    }

    public TraceDocument withAnswer(String answer) {
        return with("answer", NODES.textNode(answer));
    }

    public TraceDocument withModel(ObjectNode model) {
        return with("model", model.deepCopy());
    }

    public TraceDocument withSampling(Sampling s) {
        ObjectNode o = NODES.objectNode().put("temperature", s.temperature()).put("top_p", s.topP());
        if (s.seed().isPresent()) {
            o.put("seed", s.seed().getAsLong());
        } else {
            o.putNull("seed");
        }
        o.put("max_new_tokens", s.maxNewTokens());
        ArrayNode stop = o.putArray("stop");
        s.stop().forEach(stop::add);
        o.put("chat_template", s.chatTemplate());
        return with("sampling", o);
    }

    public TraceDocument withGeneration(Generation g) {
        return with("generation", NODES.objectNode().put("finished", g.finished())
                .put("stop_reason", g.stopReason().wireName()).put("new_tokens", g.newTokens())
                .put("closed_think", g.closedThink()));
    }

    /** Sentence labels (one per sentence of the project's split, in order) and who made them. */
    public TraceDocument withLabels(List<Label> labels, ObjectNode labeller) {
        ArrayNode a = NODES.arrayNode();
        for (Label l : labels) {
            ObjectNode o = a.addObject().put("sentence_index", l.sentenceIndex()).put("text", l.text());
            ArrayNode tags = o.putArray("function_tags");
            l.functionTags().forEach(tags::add);
            ArrayNode deps = o.putArray("depends_on");
            l.dependsOn().forEach(deps::add);
        }
        return with("labels", a).with("labeller", labeller.deepCopy());
    }

    public TraceDocument withImportance(List<Importance> importance) {
        ArrayNode a = NODES.arrayNode();
        for (Importance i : importance) {
            ObjectNode o = a.addObject().put("sentence_index", i.sentenceIndex());
            double[] v = i.values().values();
            for (int f = 0; f < v.length; f++) {
                if (!Double.isNaN(v[f])) {
                    o.put(ChunkImportance.FIELDS.get(f), v[f]);
                }
            }
        }
        return with("importance", a);
    }

    /** Any other field (one the format does not define); the result must still be a valid document. */
    public TraceDocument withField(String name, JsonNode value) {
        return with(name, value.deepCopy());
    }

    public TraceDocument without(String name) {
        ObjectNode copy = json.deepCopy();
        copy.remove(name);
        return fromJson(copy);
    }

    private TraceDocument with(String field, JsonNode value) {
        ObjectNode copy = json.deepCopy();
        copy.set(field, value);
        return fromJson(copy);
    }

    // ---- typed reading (checked once in check(), so later calls cannot fail) ----

    private Optional<String> optionalText(String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private Optional<ObjectNode> object(String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(((ObjectNode) v).deepCopy());
    }

    private Optional<JsonNode> present(JsonFields.Source at, String field, String type) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (type.equals("object") ? !v.isObject() : !v.isArray()) {
            throw at.error("field '" + field + "' must be an " + type);
        }
        return Optional.of(v);
    }

    private Optional<Sampling> sampling(JsonFields.Source at) {
        return present(at, "sampling", "object").map(s -> {
            String where = "sampling: ";
            JsonNode seed = s.get("seed");
            if (seed != null && !seed.isNull() && !(seed.isIntegralNumber() && seed.canConvertToLong())) {
                throw at.error(where + "field 'seed' must be an integer or null");
            }
            return new Sampling(JsonFields.requiredNumber(at, s, "temperature", where),
                    JsonFields.requiredNumber(at, s, "top_p", where),
                    seed == null || seed.isNull() ? OptionalLong.empty() : OptionalLong.of(seed.longValue()),
                    JsonFields.integer(at, s, "max_new_tokens", where),
                    s.has("stop") ? JsonFields.stringList(at, s, "stop", where) : List.of(),
                    s.has("chat_template") && JsonFields.bool(at, s, "chat_template", where));
        });
    }

    private Optional<Generation> generation(JsonFields.Source at) {
        return present(at, "generation", "object").map(g -> {
            String where = "generation: ";
            String reason = JsonFields.text(at, g, "stop_reason", where);
            StopReason stop = StopReason.ofWireName(reason).orElseThrow(() -> at.error(where + "stop_reason '"
                    + reason + "' is none of eos, stop_string, max_new_tokens, cancelled"));
            return new Generation(JsonFields.bool(at, g, "finished", where), stop,
                    JsonFields.integer(at, g, "new_tokens", where), JsonFields.bool(at, g, "closed_think", where));
        });
    }

    private Optional<List<Label>> labels(JsonFields.Source at) {
        return present(at, "labels", "array").map(a -> {
            List<Label> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                String where = "labels[" + i + "]: ";
                JsonNode l = JsonFields.requireObject(at, a.get(i), where.substring(0, where.length() - 2));
                int index = sentenceIndex(at, l, i, where);
                out.add(new Label(index, JsonFields.text(at, l, "text", where),
                        JsonFields.stringList(at, l, "function_tags", where),
                        JsonFields.indexList(at, l, "depends_on", where)));
            }
            return List.copyOf(out);
        });
    }

    private Optional<List<Importance>> importance(JsonFields.Source at) {
        return present(at, "importance", "array").map(a -> {
            List<Importance> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                String where = "importance[" + i + "]: ";
                JsonNode entry = JsonFields.requireObject(at, a.get(i), where.substring(0, where.length() - 2));
                int index = sentenceIndex(at, entry, i, where);
                double[] v = new double[ChunkImportance.FIELDS.size()];
                for (int f = 0; f < v.length; f++) {
                    v[f] = JsonFields.number(at, entry, ChunkImportance.FIELDS.get(f), where);
                }
                out.add(new Importance(index, ChunkImportance.of(v)));
            }
            return List.copyOf(out);
        });
    }

    /** Entries are one per sentence in order: entry i is sentence i. */
    private static int sentenceIndex(JsonFields.Source at, JsonNode entry, int position, String where) {
        int index = JsonFields.integer(at, entry, "sentence_index", where);
        if (index != position) {
            throw at.error(where + "sentence_index is " + index + " but entries must list the sentences in order,"
                    + " one each, so it must be " + position);
        }
        return index;
    }

    /** Same fields and values; numbers compare by value (7 read back from a file equals the 7L written). */
    @Override
    public boolean equals(Object o) {
        return o instanceof TraceDocument d && d.json.equals(TraceDocument::compareNodes, json);
    }

    private static int compareNodes(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    }

    @Override
    public int hashCode() {
        return cot().hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
