package io.thoughtanchors.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.worker.Kernel;
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
    void reportsTheKlOfTheFakesLastPositionLogitsForTheHeadsAndSentencesOfTheReceiverAnalysis() throws IOException {
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
        assertKlMatches(query, json, 1.0, 10.0);
        assertSentencesAndHeadsAreTheReceiverAnalysis(json, ReceiversCommandTest.SAMPLE, Integer.MAX_VALUE, "6");
        assertTrue(run.out().contains("KL_high = ") && run.out().contains("ratio = "), run.out());
    }

    @Test
    void truncationCutsTheInputAfterSentenceKAndOnlyEarlierSentencesAreEligible() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = check(fake, "--trace", SuppressionMatrixCommandTest.TRACE.toString(),
                "--truncate-after-sentence", "20", "--criterion", "ONE_AND_A_HALF_TIMES", "--temperature", "0.7");

        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, fake.attentionCalls, "heads ranked on the trace alone");
        JsonNode json = Json.MAPPER.readTree(tmp.resolve("out/suppress_check.json").toFile());
        LogitsQuery query = fake.logitsQueries.peek();
        assertTrue(json.get("high").get("sentence_index").asInt() <= 20);
        assertTrue(json.get("low").get("sentence_index").asInt() <= 20);
        assertEquals(json.get("input_tokens").asInt(), ((ModelInput.Tokens) query.input()).length());
        assertEquals(1.5, json.get("criterion_factor").asDouble());
        assertVariantsMatchTheReport(query, json);
        assertKlMatches(query, json, 0.7, 1.5);
        assertSentencesAndHeadsAreTheReceiverAnalysis(json, SuppressionMatrixCommandTest.TRACE, 20, "20");
    }

    @Test
    void theKernelIsWhatTheWorkerIsAskedForAndMonkeypatchNeedsAWorkerThatHasIt() throws IOException {
        FakeModelWorker plain = new FakeModelWorker(LAYERS, HEADS);
        CliRun mask = check(plain, "--trace", SuppressionMatrixCommandTest.TRACE.toString());
        assertEquals(0, mask.status(), mask.transcript());
        assertEquals(Kernel.MASK, plain.logitsQueries.peek().kernel(), "the default");
        assertEquals("MASK", Json.MAPPER.readTree(tmp.resolve("out/suppress_check.json").toFile()).get("kernel")
                .asText());

        CliRun refused = check(plain, "--trace", SuppressionMatrixCommandTest.TRACE.toString(), "--kernel",
                "MONKEYPATCH", "--force");
        assertEquals(4, refused.status(), refused.transcript());
        assertTrue(refused.err().contains("lacks the capability " + Kernel.CAPABILITY), refused.err());
        assertEquals(1, plain.logitsCalls.get(), "refused before any pass");

        FakeModelWorker reference = new FakeModelWorker(LAYERS, HEADS);
        reference.monkeypatchKernel = true;
        CliRun run = check(reference, "--trace", SuppressionMatrixCommandTest.TRACE.toString(), "--kernel",
                "MONKEYPATCH", "--force");
        assertEquals(0, run.status(), run.transcript());
        LogitsQuery query = reference.logitsQueries.peek();
        assertEquals(Kernel.MONKEYPATCH, query.kernel());
        assertEquals(plain.logitsQueries.peek().withKernel(Kernel.MONKEYPATCH), query,
                "the same variants, positions and input as under MASK; only the kernel differs");
        JsonNode json = Json.MAPPER.readTree(tmp.resolve("out/suppress_check.json").toFile());
        assertEquals("MONKEYPATCH", json.get("kernel").asText());
        assertTrue(run.out().contains("kernel MONKEYPATCH"), run.out());
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

    /**
     * KL_high, KL_low, their ratio and the verdict recomputed here from the last-position logits the fake answered:
     * p = softmax(z/τ) in double, KL = Σ p ln((p + 1e-10)/(q + 1e-10)), ratio = KL_high / (KL_low + 1e-10), pass iff
     * KL_high > factor · KL_low (ARENA's formulas, docs/algorithms.md §13).
     */
    private static void assertKlMatches(LogitsQuery query, JsonNode json, double tau, double factor) {
        LogitsResult answer = FakeModelWorker.answer(query);
        int last = answer.numTokens() - 1;
        float[] base = answer.variant(0).fullLogits().get(last);
        double klHigh = kl(base, answer.variant(1).fullLogits().get(last), tau);
        double klLow = kl(base, answer.variant(2).fullLogits().get(last), tau);
        assertTrue(klHigh > 0 && klLow > 0 && klHigh != klLow);
        assertEquals(klHigh, json.get("kl_high").asDouble(), 1e-12 * klHigh);
        assertEquals(klLow, json.get("kl_low").asDouble(), 1e-12 * klLow);
        assertEquals(klHigh / (klLow + 1e-10), json.get("ratio").asDouble(), 1e-9 * klHigh / klLow);
        assertEquals(klHigh > factor * klLow, json.get("passed").asBoolean());
    }

    private static double kl(float[] base, float[] suppressed, double tau) {
        double[] p = softmax(base, tau);
        double[] q = softmax(suppressed, tau);
        double sum = 0;
        for (int v = 0; v < p.length; v++) {
            sum += p[v] * Math.log((p[v] + 1e-10) / (q[v] + 1e-10));
        }
        return sum;
    }

    private static double[] softmax(float[] z, double tau) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : z) {
            max = Math.max(max, x / tau);
        }
        double[] e = new double[z.length];
        double total = 0;
        for (int v = 0; v < z.length; v++) {
            e[v] = Math.exp(z[v] / tau - max);
            total += e[v];
        }
        for (int v = 0; v < z.length; v++) {
            e[v] /= total;
        }
        return e;
    }

    /**
     * The high and low sentences are the trace's highest- and lowest-scoring among sentences 0..lastEligible, and the
     * suppressed heads the top 5, both as ta receivers (with the same options, on the same cache) reports them.
     */
    private void assertSentencesAndHeadsAreTheReceiverAnalysis(JsonNode json, Path data, int lastEligible,
                                                                String topK) throws IOException {
        CliRun receivers = CliRun.of(ReceiversCommandTest.NO_WORKER, "receivers", "--data", data.toString(), "--out",
                tmp.resolve("receivers").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress",
                "--top-k", topK);
        assertEquals(0, receivers.status(), receivers.transcript());
        List<Double> scores = new ArrayList<>();
        for (List<String> row : ReceiversCommandTest.csv(tmp.resolve("receivers/sentence_scores.csv"))) {
            if (row.get(0).equals(json.get("trace").asText())) {
                scores.add(Double.parseDouble(row.get(6)));
            }
        }
        int high = -1;
        int low = -1;
        for (int i = 0; i < scores.size() && i <= lastEligible; i++) {
            if (Double.isNaN(scores.get(i))) {
                continue;
            }
            high = high < 0 || scores.get(i) > scores.get(high) ? i : high;
            low = low < 0 || scores.get(i) < scores.get(low) ? i : low;
        }
        assertEquals(high, json.get("high").get("sentence_index").asInt());
        assertEquals(low, json.get("low").get("sentence_index").asInt());
        assertEquals(scores.get(high), json.get("high").get("receiver_score").asDouble(), 0);
        List<List<Integer>> top5 = ReceiversCommandTest.csv(tmp.resolve("receivers/top_heads.csv")).subList(1, 6)
                .stream().map(r -> List.of(Integer.parseInt(r.get(1)), Integer.parseInt(r.get(2)))).toList();
        assertEquals(top5, Json.MAPPER.convertValue(json.get("receiver_heads"), new TypeReference<List<List<Integer>>>() { }));
    }

    private CliRun check(FakeModelWorker fake, String... args) {
        List<String> all = new ArrayList<>(List.of("suppress-check"));
        all.addAll(List.of(args));
        all.addAll(List.of("--worker", "fake:1", "--out", tmp.resolve("out").toString(), "--cache",
                tmp.resolve("cache").toString(), "--no-progress"));
        return CliRun.of(target -> fake, all.toArray(String[]::new));
    }
}
