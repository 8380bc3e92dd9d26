package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;

/**
 * The labelling prompt: instructions with every category's definition (system), and the problem with all its sentences
 * numbered, so that each sentence is judged in the context of the whole chain of thought (user). The answer must match
 * {@link #responseSchema()}. Any change to the wording, the categories or the schema is a new {@link #VERSION}: it
 * is part of every cache key and written into every labelled trace.
 */
public final class LabelPrompt {

    public static final String VERSION = "ta-label/1";

    /** The two messages a backend sends. */
    public record Messages(String system, String user) {
    }

    private static final String INTRO = """
            You annotate the reasoning of a language model that solved a math problem. Its chain of thought has been \
            split into numbered sentences. For every sentence, decide what function it serves in the reasoning and \
            which earlier sentences it builds on.

            Categories (use these names exactly):
            """;

    private static final String RULES = """

            For each sentence give:
            - "index": the sentence's number, as shown;
            - "function_tags": one or more category names, the one that fits best first; use "unknown" only when \
            no other category fits;
            - "depends_on": the numbers of earlier sentences (smaller than this sentence's number) whose content this \
            sentence directly uses: a result it computes with, a plan it carries out, a claim it checks or revises. \
            Leave it empty when the sentence uses nothing said before it.

            Judge each sentence in the context of the whole chain of thought. Return one entry per sentence, in order, \
            covering every sentence exactly once. Reply with one JSON object and nothing else, of the form
            {"sentences": [{"index": 0, "function_tags": ["problem_setup"], "depends_on": []}, ...]}
            """;

    private LabelPrompt() {
    }

    public static Messages render(LabelInput input) {
        StringBuilder system = new StringBuilder(INTRO);
        for (Category c : Category.values()) {
            system.append("- ").append(c.wireName()).append(": ").append(c.definition()).append('\n');
        }
        system.append(RULES);
        StringBuilder user = new StringBuilder();
        if (!input.problem().isBlank()) {
            user.append("Problem:\n").append(input.problem().strip()).append("\n\n");
        }
        user.append("Chain of thought, ").append(input.sentences().size()).append(" sentences:\n");
        for (int i = 0; i < input.sentences().size(); i++) {
            user.append('[').append(i).append("] ").append(input.sentences().get(i).strip().replace('\n', ' '))
                    .append('\n');
        }
        return new Messages(system.toString(), user.toString());
    }

    /**
     * The JSON schema of an answer. What it cannot say ({@code index} equal to the position, {@code depends_on} only
     * earlier sentences, at least one category) {@link LabelResponseParser} checks as well.
     */
    public static ObjectNode responseSchema() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ArrayNode names = json.arrayNode();
        Arrays.stream(Category.values()).forEach(c -> names.add(c.wireName()));
        ObjectNode entry = json.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode entryProps = entry.putObject("properties");
        entryProps.putObject("index").put("type", "integer");
        entryProps.putObject("function_tags").put("type", "array").putObject("items").put("type", "string")
                .set("enum", names);
        entryProps.putObject("depends_on").put("type", "array").putObject("items").put("type", "integer");
        entry.putArray("required").add("index").add("function_tags").add("depends_on");
        ObjectNode schema = json.objectNode().put("type", "object").put("additionalProperties", false);
        schema.putObject("properties").putObject("sentences").put("type", "array").set("items", entry);
        schema.putArray("required").add("sentences");
        return schema;
    }
}
