package io.thoughtanchors.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ta suppress-check} end to end with the in-process fake worker. */
class SuppressCheckCommandTest {

    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    @Test
    void reportsTheKlOfTheFakesLastPositionLogits() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = check(fake, "--data", ReceiversCommandTest.SAMPLE.toString(), "--problem", "2238",
                "--heads-from", "DATA", "--top-k", "6");

        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, fake.logitsCalls.get(), "baseline and both variants in one call");
        LogitsQuery query = fake.logitsQueries.peek();
        assertEquals(List.of(-1), query.fullLogitPositions());
        assertTrue(query.nucleus().isEmpty());
        JsonNode json = Json.MAPPER.readTree(tmp.resolve("out/suppress_check.json").toFile());
        assertEquals("deepseek-r1-distill-qwen-14b/correct/2238", json.get("trace").asText());
        assertEquals(3, fake.attentionCalls, "heads ranked on every trace of --data");
        assertVariantsMatchTheReport(query, json);
        assertKlMatches(query, json);
        assertTrue(run.out().contains("KL_high = ") && run.out().contains("ratio = "), run.out());
    }

    @Test
    void truncationCutsTheInputAfterSentenceKAndOnlyEarlierSentencesAreEligible() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = check(fake, "--trace", SuppressionMatrixCommandTest.TRACE.toString(),
                "--truncate-after-sentence", "20", "--criterion", "ONE_AND_A_HALF_TIMES");

        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, fake.attentionCalls, "heads ranked on the trace alone");
        JsonNode json = Json.MAPPER.readTree(tmp.resolve("out/suppress_check.json").toFile());
        LogitsQuery query = fake.logitsQueries.peek();
        assertTrue(json.get("high").get("sentence_index").asInt() <= 20);
        assertTrue(json.get("low").get("sentence_index").asInt() <= 20);
        assertEquals(json.get("input_tokens").asInt(), ((ModelInput.Tokens) query.input()).length());
        assertEquals(1.5, json.get("criterion_factor").asDouble());
        assertVariantsMatchTheReport(query, json);
        assertKlMatches(query, json);
    }

    @Test
    void moreSuppressedHeadsThanRankedIsAUsageError() {
        CliRun run = check(new FakeModelWorker(LAYERS, HEADS), "--trace", SuppressionMatrixCommandTest.TRACE.toString(),
                "--top-k", "3");

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("only 3 receiver heads"), run.err());
        assertFalse(Files.exists(tmp.resolve("out/suppress_check.json")));
    }

    @Test
    void aWorkerSendingNaNLogitsIsAWorkerProblem() {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun first = check(fake, "--trace", SuppressionMatrixCommandTest.TRACE.toString());
        assertEquals(0, first.status(), first.transcript());
        FakeModelWorker broken = new FakeModelWorker(LAYERS, HEADS);
        broken.nanValues = true;

        CliRun run = CliRun.of(target -> broken, "suppress-check", "--trace", SuppressionMatrixCommandTest.TRACE.toString(),
                "--worker", "fake:1", "--cache", tmp.resolve("cache").toString(), "--no-progress");

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("invalid values") && run.err().contains("logit NaN"), run.err());
    }

    /** The variants asked for are the baseline and the reported sentences in the reported heads. */
    private static void assertVariantsMatchTheReport(LogitsQuery query, JsonNode json) {
        Map<Integer, List<Integer>> layerHeads = new TreeMap<>();
        json.get("suppressed_layer_heads").fields().forEachRemaining(e -> layerHeads.put(Integer.parseInt(e.getKey()),
                Json.MAPPER.convertValue(e.getValue(), new TypeReference<List<Integer>>() { })));
        List<Suppression> variants = query.variants();
        assertTrue(variants.get(0).isBaseline());
        for (int v = 1; v <= 2; v++) {
            JsonNode sentence = json.get(v == 1 ? "high" : "low");
            assertEquals(List.of(new TokenRange(sentence.get("token_start").asInt(), sentence.get("token_end").asInt())),
                    variants.get(v).ranges());
            assertEquals(layerHeads, variants.get(v).layerHeads());
            assertEquals(5, variants.get(v).layerHeads().values().stream().mapToInt(List::size).sum());
        }
    }

    private static void assertKlMatches(LogitsQuery query, JsonNode json) {
        LogitsResult answer = FakeModelWorker.answer(query);
        int last = answer.numTokens() - 1;
        SingleSentenceCheck.Result expected = SingleSentenceCheck.evaluate(new SingleSentenceCheck.Selection(
                json.get("high").get("sentence_index").asInt(), json.get("low").get("sentence_index").asInt()),
                answer.variant(0).fullLogits().get(last), answer.variant(1).fullLogits().get(last),
                answer.variant(2).fullLogits().get(last), 1.0,
                SingleSentenceCheck.PassCriterion.valueOf(json.get("criterion").asText()));
        assertTrue(expected.klHigh() > 0 && expected.klLow() > 0);
        assertEquals(expected.klHigh(), json.get("kl_high").asDouble(), 0);
        assertEquals(expected.klLow(), json.get("kl_low").asDouble(), 0);
        assertEquals(expected.ratio(), json.get("ratio").asDouble(), 0);
        assertEquals(expected.passed(), json.get("passed").asBoolean());
    }

    private CliRun check(FakeModelWorker fake, String... args) {
        List<String> all = new ArrayList<>(List.of("suppress-check"));
        all.addAll(List.of(args));
        all.addAll(List.of("--worker", "fake:1", "--out", tmp.resolve("out").toString(), "--cache",
                tmp.resolve("cache").toString(), "--no-progress"));
        return CliRun.of(target -> fake, all.toArray(String[]::new));
    }
}
