package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.cache.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceLabelsTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/"
            + "correct_base_solution/problem_2238");

    @Test
    void aPublishedTraceBecomesATaTraceWhoseTextIsItsFullCot() {
        Trace t = TraceReader.readTrace(SAMPLE);
        ObjectNode doc = TraceLabels.fromPublished(t);
        assertEquals(t.baseSolution().fullCot(), doc.get("prompt").asText() + doc.get("cot").asText()
                + doc.get("after_cot").asText());
        assertTrue(doc.get("after_cot").asText().startsWith("</think>"));
        LabelInput input = TraceLabels.input(doc, "x");
        assertEquals(t.id(), input.id());
        // the published chunks were split the same way: one label per published chunk
        assertEquals(t.chunks().stream().map(c -> c.chunk()).toList(), input.sentences());
    }

    @Test
    void labelsAreWrittenInPlaceAndEveryOtherFieldIsKept() throws Exception {
        ObjectNode doc = (ObjectNode) Json.MAPPER.readTree("""
                {"id": "mine", "cot": "First I set up the sum. Then 2 + 3 = 5. So the answer is 5.",
                 "x_lab_notes": {"reviewer": "ana"}, "labels": "stale", "importance": [1, 2]}""");
        LabelInput input = TraceLabels.input(doc, "file-stem");
        assertEquals("mine", input.id());
        assertEquals("", input.problem());
        List<SentenceLabel> labels = LabelResponseParser.parse(LoopbackApi.ruleAnswer(input.sentences()), input);
        Labeller who = new Labeller("openai", "m", LabelPrompt.VERSION);
        ObjectNode out = TraceLabels.withLabels(doc, new Labelling(labels, who, false, 1));
        assertEquals(doc.get("x_lab_notes"), out.get("x_lab_notes"));
        assertEquals(doc.get("importance"), out.get("importance"));
        assertEquals("ta-trace/1", out.get("format").asText());
        assertEquals(input.sentences().size(), out.get("labels").size());
        for (int i = 0; i < labels.size(); i++) {
            var l = out.get("labels").get(i);
            assertEquals(i, l.get("sentence_index").asInt());
            assertEquals(input.sentences().get(i), l.get("text").asText());
            assertEquals(labels.get(i).primary().wireName(), l.get("function_tags").get(0).asText());
        }
        assertEquals(Json.MAPPER.valueToTree(who.toMap()), out.get("labeller"));
        assertEquals("stale", doc.get("labels").asText(), "the input document is not changed");
    }

    @Test
    void aTraceWithoutAChainOfThoughtIsRefusedByName() {
        ObjectNode doc = Json.MAPPER.createObjectNode().put("problem", "p").put("cot", "  ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceLabels.input(doc, "stem"));
        assertTrue(e.getMessage().contains("stem") && e.getMessage().contains("'cot'"), e.getMessage());
    }
}
