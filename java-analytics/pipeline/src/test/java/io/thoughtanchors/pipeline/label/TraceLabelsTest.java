package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.analysis.text.SentenceSplitter;
import io.thoughtanchors.data.PublishedFolder;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.cache.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceLabelsTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample/deepseek-r1-distill-qwen-14b/"
            + "correct_base_solution/problem_2238");

    @Test
    void aPublishedTraceBecomesATaTraceWhoseTextIsItsFullCot() {
        Trace t = TraceReader.read(SAMPLE, SentenceSplitter::sentences).traces().get(0);
        PublishedFolder folder = (PublishedFolder) t.source();
        TraceDocument doc = TraceLabels.document(t);
        assertEquals(folder.baseSolution().fullCot(), doc.text().modelText());
        assertTrue(doc.afterCot().startsWith("</think>"), doc.afterCot());
        assertEquals(t.id(), doc.id().orElseThrow());
        assertEquals(folder.problem().problem(), doc.problem().orElseThrow());
        assertEquals(folder.baseSolution().answer(), doc.answer().orElseThrow());
        LabelInput input = TraceLabels.input(t.id(), doc);
        assertEquals(folder.problem().problem(), input.problem());
        // the published chunks were split the way the project splits: one label per published chunk
        assertEquals(t.chunks(), input.sentences());
    }

    @Test
    void labelsAreSetAndEveryOtherFieldIsKept() throws Exception {
        TraceDocument doc = TraceDocument.fromJson(Json.MAPPER.readTree("""
                {"id": "mine", "cot": "First I set up the sum. Then 2 + 3 = 5. So the answer is 5.",
                 "x_lab_notes": {"reviewer": "ana"}, "model": {"model_id": "m"},
                 "labels": [{"sentence_index": 0, "text": "old", "function_tags": ["unknown"], "depends_on": []}]}
                """));
        LabelInput input = TraceLabels.input("mine", doc);
        assertEquals(List.of("First I set up the sum.", "Then 2 + 3 = 5.", "So the answer is 5."), input.sentences());
        assertEquals("", input.problem());
        List<SentenceLabel> labels = LabelResponseParser.parse(LoopbackApi.ruleAnswer(input.sentences()), input);
        Labeller who = new Labeller("openai", "m", LabelPrompt.VERSION);
        TraceDocument out = TraceLabels.withLabels(doc, new Labelling(labels, who, false, 1));
        assertEquals(doc.field("x_lab_notes"), out.field("x_lab_notes"));
        assertEquals(doc.model(), out.model());
        List<TraceDocument.Label> written = out.labels().orElseThrow();
        assertEquals(input.sentences().size(), written.size());
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(i, written.get(i).sentenceIndex());
            assertEquals(input.sentences().get(i), written.get(i).text());
            assertEquals(labels.get(i).functionTags().stream().map(Category::wireName).toList(),
                    written.get(i).functionTags());
            assertEquals(labels.get(i).dependsOn(), written.get(i).dependsOn());
        }
        assertEquals(Json.MAPPER.valueToTree(who.toMap()), out.labeller().orElseThrow());
        assertEquals("old", doc.labels().orElseThrow().get(0).text(), "the input document is not changed");
    }
}
