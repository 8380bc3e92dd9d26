package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.label.ApiKey;
import io.thoughtanchors.pipeline.label.ApiSettings;
import io.thoughtanchors.pipeline.label.LabelInput;
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

    static LabelRequest request(LoopbackApi api, Path out) {
        ApiSettings settings = ApiSettings.of(api.baseUrl(), "claude-loopback", Optional.of(ApiKey.of(KEY)));
        return LabelRequest.of(SAMPLE, out, new AnthropicMessagesBackend(settings));
    }

    @Test
    void writesEveryTraceWithItsLabelsAndARerunAsksNothing() throws Exception {
        List<Trace> traces = TraceReader.readTree(SAMPLE);
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            Path out = tmp.resolve("labels");
            LabelResult result = Pipeline.create().label(request(api, out));
            assertEquals(traces.size(), result.traces().size());
            assertEquals(traces.size(), api.received().size());
            assertEquals(0, result.cachedCount());
            for (Trace t : traces) {
                JsonNode doc = Json.MAPPER.readTree(out.resolve(t.id() + ".json").toFile());
                assertEquals("ta-trace/1", doc.get("format").asText());
                assertEquals(t.baseSolution().fullCot(), doc.get("prompt").asText() + doc.get("cot").asText()
                        + doc.get("after_cot").asText());
                List<String> sentences = LabelInput.sentencesOf(doc.get("cot").asText());
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
            String first = TraceReader.readTree(SAMPLE).get(0).id();
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
                    new LabelRequest(tmp.resolve("nope"), out, false, r.backend(), Optional.empty(), 3)));
            assertEquals(PipelineException.Kind.BAD_INPUT, e.kind());
            assertFalse(Files.exists(out));
            assertTrue(api.received().isEmpty());
        }
    }
}
