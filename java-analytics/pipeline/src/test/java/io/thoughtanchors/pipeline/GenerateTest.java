package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.GeneratedTrace;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Pipeline.generate} on an in-process worker: what the trace file holds, how a generation is split, flagged. */
class GenerateTest {

    static final String PROBLEM = "What is 2+2?";

    @TempDir
    Path tmp;

    @Test
    void aClosedThoughtIsSplitAtThinkCloseAndWrittenAsATrace() throws IOException, NoSuchAlgorithmException {
        FakeModelWorker fake = new FakeModelWorker(2, 2);
        List<Long> progress = new ArrayList<>();
        GenerateResult r = pipeline(fake, progressTo(progress)).generate(request().withSampling(64, 0.6f, 0.95f, 11));

        GenerateQuery asked = fake.generateQueries.remove();
        assertEquals(ModelInput.text(String.format(GenerateRequest.PUBLISHED_PROMPT, PROBLEM)), asked.input());
        assertEquals(11, asked.seed());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), progress, "one progress step per token");
        JsonNode trace = Json.MAPPER.readTree(r.file().toFile());
        assertEquals(tmp.resolve("traces/problem-" + sha8(PROBLEM) + "-seed11.json"), r.file());
        assertEquals("ta-trace/1", trace.get("format").asText());
        assertEquals(PROBLEM, trace.get("problem").asText());
        assertEquals(String.format(GenerateRequest.PUBLISHED_PROMPT, PROBLEM), trace.get("prompt").asText());
        assertEquals("First, 2+2 = 4. So 4.", trace.get("cot").asText());
        assertEquals("</think>\n\nThe answer is $\\boxed{4}$.", trace.get("after_cot").asText());
        assertEquals("4", trace.get("answer").asText());
        assertEquals("{\"finished\":true,\"stop_reason\":\"eos\",\"new_tokens\":7,\"closed_think\":true}",
                trace.get("generation").toString());
        assertEquals("{\"temperature\":0.6,\"top_p\":0.95,\"seed\":11,\"max_new_tokens\":64,\"stop\":[],"
                + "\"chat_template\":false}", trace.get("sampling").toString());
        assertEquals(FakeModelWorker.MODEL_ID, trace.get("model").get("id").asText());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        try (Stream<Path> files = Files.list(tmp.resolve("traces"))) {
            assertEquals(List.of(r.file()), files.toList(), "no temporary file left");
        }
    }

    @Test
    void aGenerationCutAtMaxNewTokensWithoutThinkCloseIsKeptAndFlagged() throws IOException {
        GenerateResult r = pipeline(new FakeModelWorker(2, 2), PipelineListener.NONE)
                .generate(request().withSampling(3, 0.6f, 0.95f, 0).withId("cut"));

        JsonNode trace = Json.MAPPER.readTree(r.file().toFile());
        assertEquals(tmp.resolve("traces/cut.json"), r.file());
        assertEquals("First, 2+2 = 4.", trace.get("cot").asText());
        assertEquals("", trace.get("after_cot").asText());
        assertFalse(trace.has("answer"));
        assertEquals("{\"finished\":false,\"stop_reason\":\"max_new_tokens\",\"new_tokens\":3,\"closed_think\":false}",
                trace.get("generation").toString());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("without </think>"), r.warnings().toString());
    }

    @Test
    void aChatTemplateIsAskedForAndAnOpeningThinkOfTheCompletionGoesToThePrompt() {
        FakeModelWorker fake = new FakeModelWorker(2, 2) {
            @Override
            public ModelInfo describe() {
                ModelInfo m = super.describe();
                Set<String> caps = new HashSet<>(m.capabilities());
                caps.add(GenerateQuery.CHAT_TEMPLATE);
                return new ModelInfo(m.modelId(), m.architecture(), m.numLayers(),
                        m.numQueryHeads(), m.numKvHeads(), m.kvHeadOfQueryHead(), m.headDim(), m.vocabSize(),
                        m.bosTokenId(), m.dtype(), m.attentionImplementation(), m.devices(), m.maxTokens(),
                        m.workerVersion(), m.contractVersion(), caps, m.syntheticWeights(), m.notes(),
                        m.maxChunkBytes());
            }
        };
        fake.completion = List.of("<think>\n", "Four", ".</think>", "4");
        GenerateResult r = pipeline(fake, PipelineListener.NONE).generate(request().withChatTemplate(true));

        assertTrue(fake.generateQueries.remove().applyChatTemplate());
        GeneratedTrace t = r.trace();
        String templated = FakeModelWorker.CHAT_OPEN + String.format(GenerateRequest.CHAT_MESSAGE, PROBLEM)
                + FakeModelWorker.CHAT_CLOSE;
        assertEquals(templated + "<think>\n", t.prompt());
        assertEquals("Four.", t.cot());
        assertEquals("</think>4", t.afterCot());
        assertEquals(templated + "<think>\nFour.</think>4", t.modelText());
    }

    @Test
    void aWorkerWithoutGenerateOrAChatTemplateIsRefusedBeforeAnyFileIsWritten() {
        PipelineException e = assertThrows(PipelineException.class, () -> pipeline(new FakeModelWorker(2, 2),
                PipelineListener.NONE).generate(request().withChatTemplate(true)));
        assertEquals(PipelineException.Kind.WORKER, e.kind());
        assertTrue(e.getMessage().contains("lacks the capability generate.chat_template"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("traces")));
    }

    @Test
    void anExistingTraceIsKeptWithoutForce() throws IOException {
        Pipeline pipeline = pipeline(new FakeModelWorker(2, 2), PipelineListener.NONE);
        Path file = pipeline.generate(request()).file();
        Files.writeString(file, "mine");
        PipelineException e = assertThrows(PipelineException.class, () -> pipeline.generate(request()));
        assertEquals(PipelineException.Kind.OUTPUT, e.kind());
        assertEquals("mine", Files.readString(file));
        pipeline.generate(request().withForce(true));
        assertTrue(Files.readString(file).contains("ta-trace/1"));
    }

    @Test
    void aGenerationFailingMidwayIsKeptFlaggedCancelledAndTheRunFails() throws IOException {
        FakeModelWorker dying = new FakeModelWorker(2, 2);
        dying.dieAtToken = 3;
        PipelineException e = assertThrows(PipelineException.class, () -> pipeline(dying, PipelineListener.NONE)
                .generate(request().withId("partial")));

        assertEquals(PipelineException.Kind.WORKER, e.kind());
        assertTrue(e.getMessage().contains("after 2 tokens") && e.getMessage().contains("partial.json"),
                e.getMessage());
        JsonNode trace = Json.MAPPER.readTree(tmp.resolve("traces/partial.json").toFile());
        assertEquals("First, 2+2", trace.get("cot").asText());
        assertEquals("{\"finished\":false,\"stop_reason\":\"cancelled\",\"new_tokens\":2,\"closed_think\":false}",
                trace.get("generation").toString());
    }

    @Test
    void badRequestsAreInvalidRequestsNamingTheOption() {
        assertInvalid("--top-p", () -> request().withSampling(10, 0.6f, 0f, 0));
        assertInvalid("--max-new-tokens", () -> request().withSampling(0, 0.6f, 0.9f, 0));
        assertInvalid("--temperature", () -> request().withSampling(10, Float.NaN, 0.9f, 0));
        assertInvalid("--id", () -> request().withId("../escape"));
        assertInvalid("--stop", () -> request().withStop(List.of("")));
        assertInvalid("--worker", () -> pipeline(new FakeModelWorker(2, 2), PipelineListener.NONE)
                .generate(GenerateRequest.of(PROBLEM, tmp)));
    }

    @Test
    void lastBoxedBalancesBraces() {
        GeneratedTrace t = GeneratedTrace.of("x", "p", "<think>\n", "c</think> \\boxed{1} then \\boxed{\\frac{1}{2}}",
                true, "eos", 9);
        assertEquals(Optional.of("\\frac{1}{2}"), t.answer());
        assertEquals(Optional.empty(), GeneratedTrace.of("x", "p", "<think>\n", "c</think>\\boxed{1", true, "eos", 9)
                .answer());
    }

    private static void assertInvalid(String option, Runnable request) {
        PipelineException e = assertThrows(PipelineException.class, request::run);
        assertEquals(PipelineException.Kind.INVALID_REQUEST, e.kind());
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }

    private GenerateRequest request() {
        return GenerateRequest.of(PROBLEM, tmp.resolve("traces")).withWorker(WorkerTarget.remote("fake:1"));
    }

    private static Pipeline pipeline(FakeModelWorker fake, PipelineListener listener) {
        return Pipeline.create().withConnector(target -> fake).withListener(listener);
    }

    private static PipelineListener progressTo(List<Long> done) {
        return new PipelineListener() {
            @Override
            public void progressed(Stage stage, long units, long total, String item) {
                if (stage == Stage.GENERATION) {
                    done.add(units);
                }
            }
        };
    }

    private static String sha8(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    }
}
