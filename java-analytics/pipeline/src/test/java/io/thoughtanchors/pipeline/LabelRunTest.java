package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.text.SentenceSplitter;
import io.thoughtanchors.data.ChunkLabel;
import io.thoughtanchors.data.PublishedFolder;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.data.TraceFormatException;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.label.ApiKey;
import io.thoughtanchors.pipeline.label.ApiSettings;
import io.thoughtanchors.pipeline.label.Category;
import io.thoughtanchors.pipeline.label.OpenAiChatBackend;
import io.thoughtanchors.pipeline.label.SentenceLabel;
import io.thoughtanchors.pipeline.label.LoopbackApi;
import io.thoughtanchors.pipeline.label.LoopbackApi.Dialect;
import io.thoughtanchors.pipeline.label.AnthropicMessagesBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelRunTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample/deepseek-r1-distill-qwen-14b");
    static final String KEY = "sk-ant-loopback-run-key";

    @TempDir
    Path tmp;

    static List<Trace> read(Path data) {
        return TraceReader.read(data, SentenceSplitter::sentences).traces();
    }

    /** The labels of {@code file} as every analysis reads them, which must be those the labeller gave. */
    static void assertReadBack(Path file, LabelResult.LabelledTrace labelled) {
        List<Trace> back = read(file);
        assertEquals(1, back.size());
        assertEquals(labelled.traceId(), back.get(0).id());
        List<ChunkLabel> labels = back.get(0).labels().orElseThrow(() -> new AssertionError(file + ": no labels"));
        List<SentenceLabel> given = labelled.labelling().labels();
        assertEquals(given.size(), labels.size());
        for (int i = 0; i < given.size(); i++) {
            assertEquals(given.get(i).functionTags().stream().map(Category::wireName).toList(),
                    labels.get(i).functionTags(), file + " sentence " + i);
            assertEquals(given.get(i).dependsOn(), labels.get(i).dependsOn(), file + " sentence " + i);
            assertEquals(given.get(i).text(), back.get(0).chunks().get(i));
        }
    }

    static LabelRequest request(LoopbackApi api, Path out) {
        ApiSettings settings = ApiSettings.of(api.baseUrl(), "claude-loopback", Optional.of(ApiKey.of(KEY)));
        return LabelRequest.of(SAMPLE, out, new AnthropicMessagesBackend(settings));
    }

    @Test
    void writesEveryTraceWithItsLabelsAndARerunAsksNothing() throws Exception {
        List<Trace> traces = read(SAMPLE);
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            Path out = tmp.resolve("labels");
            LabelResult result = Pipeline.create().label(request(api, out));
            assertEquals(traces.size(), result.traces().size());
            assertEquals(traces.size(), api.received().size());
            assertEquals(0, result.cachedCount());
            for (Trace t : traces) {
                JsonNode doc = Json.MAPPER.readTree(out.resolve(t.id() + ".json").toFile());
                assertEquals("ta-trace/1", doc.get("format").asText());
                assertEquals(((PublishedFolder) t.source()).baseSolution().fullCot(), doc.get("prompt").asText()
                        + doc.get("cot").asText() + doc.get("after_cot").asText());
                List<String> sentences = SentenceSplitter.sentences(doc.get("cot").asText());
                JsonNode expected = Json.MAPPER.readTree(LoopbackApi.ruleAnswer(sentences)).get("sentences");
                JsonNode labels = doc.get("labels");
                assertEquals(sentences.size(), labels.size());
                for (int i = 0; i < sentences.size(); i++) {
                    assertEquals(sentences.get(i), labels.get(i).get("text").asText());
                    assertEquals(expected.get(i).get("function_tags"), labels.get(i).get("function_tags"));
                    assertEquals(expected.get(i).get("depends_on"), labels.get(i).get("depends_on"));
                }
                assertEquals("anthropic", doc.get("labeller").get("backend").asText());
                assertEquals("claude-loopback", doc.get("labeller").get("model").asText());
                assertEquals("ta-label/1", doc.get("labeller").get("prompt_version").asText());
            }
            for (LabelResult.LabelledTrace labelled : result.traces()) {
                assertReadBack(labelled.file(), labelled);
            }
            JsonNode run = Json.MAPPER.readTree(out.resolve("run.json").toFile());
            assertEquals(traces.size(), run.get("traces").size());

            LabelResult again = Pipeline.create().label(request(api, out).withForce(true));
            assertEquals(traces.size(), api.received().size(), "a rerun costs nothing");
            assertEquals(traces.size(), again.cachedCount());
            assertEquals(Files.readString(result.traces().get(0).file()), Files.readString(again.traces().get(0).file()));
        }
    }

    @Test
    void aKeyRevokedMidRunKeepsTheTracesLabelledSoFar() throws Exception {
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            api.revokeKeyAfter(1);
            Path out = tmp.resolve("labels");
            PipelineException e = assertThrows(PipelineException.class,
                    () -> Pipeline.create().label(request(api, out)));
            assertEquals(PipelineException.Kind.WORKER, e.kind());
            assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("1 of 3 traces"),
                    e.getMessage());
            assertFalse(e.getMessage().contains(KEY));
            String first = read(SAMPLE).get(0).id();
            assertTrue(Files.exists(out.resolve(first + ".json")));
            assertFalse(Files.exists(out.resolve("run.json")), "an incomplete run has no run.json");
            assertFalse(Files.readString(out.resolve("run.log")).contains(KEY));

            api.revokeKeyAfter(Integer.MAX_VALUE);
            LabelResult resumed = Pipeline.create().label(request(api, out).withForce(true));
            assertEquals(1, resumed.cachedCount());
            assertEquals(4, api.received().size(), "1 answered + 1 refused + the 2 left");
        }
    }

    @Test
    void tracesOfOnesOwnAreLabelledWithEveryFieldKeptAndReadBack() throws Exception {
        Path txt = tmp.resolve("mine.txt");
        Files.writeString(txt, "Let me compute 6 times 7. That is 42. Wait, check: 7 + 7 + 7 + 7 + 7 + 7 = 42."
                + " So the answer is 42.");
        Path jsonl = tmp.resolve("batch.jsonl");
        Files.writeString(jsonl, """
                {"format": "ta-trace/1", "id": "six-by-seven", "problem": "What is 6 times 7?", "cot": "I multiply. 6 * 7 = 42. Hmm, yes.", "x_lab_notes": {"reviewer": "ana"}}
                {"cot": "First, the plan. Then the sum 2 + 3 = 5. The answer is 5.", "labels": [{"sentence_index": 0, "text": "First, the plan.", "function_tags": ["unknown"], "depends_on": []}, {"sentence_index": 1, "text": "Then the sum 2 + 3 = 5.", "function_tags": ["unknown"], "depends_on": []}, {"sentence_index": 2, "text": "The answer is 5.", "function_tags": ["unknown"], "depends_on": []}]}
                """);
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            ApiSettings settings = ApiSettings.of(api.baseUrl(), "gpt-loopback", Optional.of(ApiKey.of(KEY)));
            OpenAiChatBackend backend = new OpenAiChatBackend(settings, true);
            LabelResult one = Pipeline.create().label(LabelRequest.of(txt, tmp.resolve("txt"), backend));
            assertEquals(1, one.traces().size());
            assertEquals(tmp.resolve("txt/mine.json"), one.traces().get(0).file());
            assertReadBack(one.traces().get(0).file(), one.traces().get(0));

            LabelResult batch = Pipeline.create().label(LabelRequest.of(jsonl, tmp.resolve("jsonl"), backend));
            assertEquals(List.of("six-by-seven", "batch-2"), batch.traces().stream()
                    .map(LabelResult.LabelledTrace::traceId).toList());
            for (LabelResult.LabelledTrace t : batch.traces()) {
                assertReadBack(t.file(), t);
            }
            TraceDocument first = TraceDocument.fromJson(Json.MAPPER.readTree(batch.traces().get(0).file().toFile()));
            assertEquals("What is 6 times 7?", first.problem().orElseThrow());
            assertEquals("ana", first.field("x_lab_notes").orElseThrow().get("reviewer").asText());
            assertEquals("gpt-loopback", first.labeller().orElseThrow().get("model").asText());
            // each trace's sentences, split by the project's splitter, went to the API; the problem with them
            assertEquals(3, api.received().size());
            String prompt = api.received().get(1).body().toString();
            assertTrue(prompt.contains("What is 6 times 7?"), prompt);
            assertEquals(SentenceSplitter.sentences("I multiply. 6 * 7 = 42. Hmm, yes."),
                    first.labels().orElseThrow().stream().map(TraceDocument.Label::text).toList());
        }
    }

    @Test
    void aTraceWhoseLabelsWereMadeForAnotherTextIsRefusedByTheAnalysesButRelabelled() throws Exception {
        Path stale = tmp.resolve("edited.json");
        // the chain of thought was edited after labelling: sentence 1 no longer says what its label was made for
        Files.writeString(stale, """
                {"format": "ta-trace/1", "cot": "First, the plan. Then the sum 2 + 4 = 6. The answer is 6.", "labels": [{"sentence_index": 0, "text": "First, the plan.", "function_tags": ["plan_generation"], "depends_on": []}, {"sentence_index": 1, "text": "Then the sum 2 + 3 = 5.", "function_tags": ["active_computation"], "depends_on": [0]}, {"sentence_index": 2, "text": "The answer is 6.", "function_tags": ["final_answer_emission"], "depends_on": [1]}]}
                """);
        TraceFormatException refused = assertThrows(TraceFormatException.class, () -> read(stale));
        assertTrue(refused.getMessage().contains("label the trace again"), refused.getMessage());

        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            LabelResult relabelled = Pipeline.create().label(LabelRequest.of(stale, tmp.resolve("relabelled"),
                    request(api, tmp).backend().orElseThrow()));
            assertEquals(1, relabelled.traces().size());
            assertReadBack(relabelled.traces().get(0).file(), relabelled.traces().get(0));
            assertEquals("Then the sum 2 + 4 = 6.", TraceDocument.fromJson(Json.MAPPER.readTree(
                    relabelled.traces().get(0).file().toFile())).labels().orElseThrow().get(1).text());
        }
    }

    @Test
    void aTraceFileWithoutAChainOfThoughtIsBadInputNamingItsLineAndAsksNothing() throws Exception {
        Path jsonl = tmp.resolve("bad.jsonl");
        Files.writeString(jsonl, "{\"cot\": \"Fine. Sentences.\"}\n{\"id\": \"empty\", \"cot\": \"  \"}\n");
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            Path out = tmp.resolve("labels");
            PipelineException e = assertThrows(PipelineException.class,
                    () -> Pipeline.create().label(LabelRequest.of(jsonl, out, request(api, out).backend().orElseThrow())));
            assertEquals(PipelineException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().contains("bad.jsonl") && e.getMessage().contains("2")
                    && e.getMessage().contains("'cot'"), e.getMessage());
            assertFalse(Files.exists(out));
            assertTrue(api.received().isEmpty());
        }
    }

    @Test
    void noTraceIdWritesOutsideTheOutputFolder() {
        assertEquals("deepseek-r1-distill-qwen-14b/correct/2238.json",
                LabelRun.fileName("deepseek-r1-distill-qwen-14b/correct/2238"));
        assertEquals("etc/pass_wd.json", LabelRun.fileName("../../etc/./pass wd"));
        assertEquals("a/b.json", LabelRun.fileName("/a\\b"));
        assertEquals("trace.json", LabelRun.fileName(".."));
    }

    @Test
    void aMissingDataFolderIsBadInputAndWritesNothing() throws Exception {
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            Path out = tmp.resolve("labels");
            LabelRequest r = request(api, out);
            PipelineException e = assertThrows(PipelineException.class, () -> Pipeline.create().label(
                    LabelRequest.of(tmp.resolve("nope"), out, r.backend().orElseThrow())));
            assertEquals(PipelineException.Kind.BAD_INPUT, e.kind());
            assertFalse(Files.exists(out));
            assertTrue(api.received().isEmpty());
        }
    }
}
