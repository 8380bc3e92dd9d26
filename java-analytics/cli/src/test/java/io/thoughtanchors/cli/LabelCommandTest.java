package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.label.LoopbackApi;
import io.thoughtanchors.pipeline.label.LoopbackApi.Dialect;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.TokenSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ta label} on the committed sample against loopback servers speaking each API. */
class LabelCommandTest {

    static final String SAMPLE = "../../data/thought-anchors-sample/deepseek-r1-distill-llama-8b";
    static final String KEY = "sk-cli-loopback-9f8e7d6c5b4a";

    @TempDir
    Path tmp;

    Path keyFile(String key) throws IOException {
        Path f = tmp.resolve("key.txt");
        Files.writeString(f, key + "\n");
        return f;
    }

    @Test
    void labelsEveryTraceAndARerunIsServedFromTheCache() throws IOException {
        try (LoopbackApi api = new LoopbackApi(Dialect.ANTHROPIC, KEY)) {
            String[] args = {"label", "--data", SAMPLE, "--out", tmp.resolve("out").toString(), "--api", "anthropic",
                "--model", "claude-loopback", "--base-url", api.baseUrl().toString(),
                "--api-key-file", keyFile(KEY).toString()};
            CliRun run = CliRun.of(ReceiversCommandTest.NO_WORKER, args);
            assertEquals(0, run.status(), run.transcript());
            assertTrue(run.out().contains("Labelled 4 traces") && run.out().contains("0 from the cache"), run.out());
            JsonNode doc = Json.MAPPER.readTree(tmp.resolve("out/deepseek-r1-distill-llama-8b/correct/6998.json")
                    .toFile());
            assertEquals("claude-loopback", doc.get("labeller").get("model").asText());
            assertTrue(doc.get("labels").size() > 10);

            String[] again = Stream.concat(Stream.of(args), Stream.of("--force")).toArray(String[]::new);
            CliRun rerun = CliRun.of(ReceiversCommandTest.NO_WORKER, again);
            assertEquals(0, rerun.status(), rerun.transcript());
            assertTrue(rerun.out().contains("4 from the cache"), rerun.out());
            assertEquals(4, api.received().size());
            assertNoKey(run, rerun);
        }
    }

    @Test
    void aRefusedKeyExitsWithTheWorkerStatusAndPrintsNoKey() throws IOException {
        String wrong = "sk-wrong-cli-key-never-printed";
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            CliRun run = CliRun.of(ReceiversCommandTest.NO_WORKER, "label", "--data", SAMPLE, "--out",
                    tmp.resolve("out").toString(), "--api", "openai", "--model", "gpt-loopback", "--base-url",
                    api.baseUrl().toString(), "--api-key-file", keyFile(wrong).toString(), "--verbose");
            assertEquals(ExitStatus.WORKER.code, run.status(), run.transcript());
            assertTrue(run.err().contains("HTTP 401") && run.err().contains("check the API key"), run.err());
            assertFalse(run.transcript().contains(wrong), run.transcript());
            try (Stream<Path> files = Files.walk(tmp.resolve("out"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(f).contains(wrong), f.toString());
                }
            }
        }
    }

    @Test
    void theKeyComesFromTheEnvironmentAndIsRequiredForTheApisOwnEndpoint() throws IOException {
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            Map<String, String> env = Map.of("MY_LAB_KEY", KEY);
            CliRun run = run(env, "label", "--data", SAMPLE + "/correct_base_solution", "--out",
                    tmp.resolve("env").toString(), "--api", "openai", "--model", "gpt-loopback", "--base-url",
                    api.baseUrl().toString(), "--api-key-env", "MY_LAB_KEY");
            assertEquals(0, run.status(), run.transcript());
            assertTrue(run.out().contains("Labelled 1 traces"), run.out());

            CliRun missing = run(Map.of(), "label", "--data", SAMPLE, "--out", tmp.resolve("none").toString(),
                    "--api", "openai", "--model", "gpt-4.1");
            assertEquals(ExitStatus.USAGE.code, missing.status(), missing.transcript());
            assertTrue(missing.err().contains("set $OPENAI_API_KEY"), missing.err());
            assertFalse(Files.exists(tmp.resolve("none")));
            assertEquals(1, api.received().size());
        }
    }

    @Test
    void theWorkersOwnModelLabelsOfflineUnderItsChatTemplate() throws IOException {
        // A worker whose model has a chat template and answers each prompt with valid labels for its sentences.
        FakeModelWorker model = new FakeModelWorker(2, 2) {
            @Override
            public ModelInfo describe() {
                ModelInfo m = super.describe();
                Set<String> caps = new HashSet<>(m.capabilities());
                caps.add(GenerateQuery.CHAT_TEMPLATE);
                return new ModelInfo(m.modelId(), m.architecture(), m.numLayers(), m.numQueryHeads(),
                        m.numKvHeads(), m.kvHeadOfQueryHead(), m.headDim(), m.vocabSize(), m.bosTokenId(),
                        m.dtype(), m.attentionImplementation(), m.devices(), m.maxTokens(), m.workerVersion(),
                        m.contractVersion(), caps, m.syntheticWeights(), m.notes(), m.maxChunkBytes());
            }

            @Override
            public Generation generate(GenerateQuery query, TokenSink sink) {
                String answer = LoopbackApi.ruleAnswer(LoopbackApi.sentencesIn(((ModelInput.Text) query.input()).text()));
                List<String> pieces = new ArrayList<>();
                for (int i = 0; i < answer.length(); i += 9) {
                    pieces.add(answer.substring(i, Math.min(answer.length(), i + 9)));
                }
                completion = pieces;
                return super.generate(query, sink);
            }
        };
        List<Object> targets = new ArrayList<>();
        CliRun run = CliRun.of(target -> {
            targets.add(target);
            return model;
        }, "label", "--data", SAMPLE + "/correct_base_solution", "--out", tmp.resolve("out").toString(),
                "--api", "worker", "--worker", "127.0.0.1:50051", "--max-new-tokens", "100000");
        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, targets.size());
        JsonNode doc = Json.MAPPER.readTree(tmp.resolve("out/deepseek-r1-distill-llama-8b/correct/6998.json").toFile());
        assertEquals("worker", doc.get("labeller").get("backend").asText());
        assertEquals(FakeModelWorker.MODEL_ID, doc.get("labeller").get("model").asText());
        GenerateQuery asked = model.generateQueries.remove();
        assertTrue(asked.applyChatTemplate() && asked.temperature() == 0f, "greedy, under the chat template");
        List<String> sent = LoopbackApi.sentencesIn(((ModelInput.Text) asked.input()).text());
        assertEquals(sent.size(), doc.get("labels").size());
        JsonNode expected = Json.MAPPER.readTree(LoopbackApi.ruleAnswer(sent)).get("sentences");
        for (int i = 0; i < sent.size(); i++) {  // what the model answered is what the trace now says
            JsonNode label = doc.get("labels").get(i);
            assertEquals(expected.get(i).get("function_tags"), label.get("function_tags"), label.toString());
            assertEquals(expected.get(i).get("depends_on"), label.get("depends_on"), label.toString());
        }

        CliRun both = CliRun.of(ReceiversCommandTest.NO_WORKER, "label", "--data", SAMPLE, "--out",
                tmp.resolve("x").toString(), "--api", "worker", "--worker", "127.0.0.1:50051", "--model", "m");
        assertEquals(ExitStatus.USAGE.code, both.status(), both.transcript());
        CliRun none = CliRun.of(ReceiversCommandTest.NO_WORKER, "label", "--data", SAMPLE, "--out",
                tmp.resolve("y").toString(), "--api", "worker");
        assertEquals(ExitStatus.USAGE.code, none.status(), none.transcript());
        assertTrue(none.err().contains("--worker or --local"), none.err());
    }

    /** The command tree of {@link Main} with {@code env} as the environment of ta label. */
    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FailureHandler failures = new FailureHandler();
        CommandLine cli = new CommandLine(new Main())
                .addSubcommand(new LabelCommand(ReceiversCommandTest.NO_WORKER, env::get))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(failures).setParameterExceptionHandler(failures);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new CliRun(cli.execute(args), out.toString(), err.toString());
    }

    private static void assertNoKey(CliRun... runs) {
        for (CliRun r : runs) {
            assertFalse(r.transcript().contains(KEY), r.transcript());
        }
    }
}
