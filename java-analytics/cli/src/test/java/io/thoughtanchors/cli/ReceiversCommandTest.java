package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thoughtanchors.data.LabeledChunk;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.pipeline.Damage;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.worker.Tokenization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@code ta receivers} end to end on the committed three-trace sample, with an in-process fake worker. */
class ReceiversCommandTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample/deepseek-r1-distill-qwen-14b");
    static final List<String> TRACE_IDS = List.of("deepseek-r1-distill-qwen-14b/correct/2236",
            "deepseek-r1-distill-qwen-14b/correct/2238", "deepseek-r1-distill-qwen-14b/correct/3448");
    static final int LAYERS = 3;
    static final int HEADS = 4;
    static final WorkerConnector NO_WORKER = target -> fail("no worker should be contacted, got " + target);

    @TempDir
    Path tmp;

    @Test
    void writesEveryResultTableAndTheRunSettings() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = receivers(fake, tmp.resolve("out"), "--top-k", "5");

        assertEquals(0, run.status(), run.transcript());
        Path out = tmp.resolve("out");
        List<List<String>> top = csv(out.resolve("top_heads.csv"));
        assertEquals(List.of("rank", "layer", "head", "mean_kurtosis"), top.get(0));
        assertEquals(5, top.size() - 1, "top-k rows");
        for (int i = 1; i < top.size(); i++) {
            assertEquals(Integer.toString(i), top.get(i).get(0));
            assertFalse(top.get(i).get(1).equals("0"), "layer 0 is excluded by the RECOMMENDED profile");
        }
        assertEquals(LAYERS * HEADS, csv(out.resolve("head_kurtosis.csv")).size() - 1);
        assertEquals(3 * LAYERS * HEADS, csv(out.resolve("head_kurtosis_by_trace.csv")).size() - 1);
        List<List<String>> sentences = csv(out.resolve("sentence_scores.csv"));
        assertEquals(Set.copyOf(TRACE_IDS), sentences.stream().skip(1).map(r -> r.get(0)).collect(Collectors.toSet()));
        assertEquals(List.of("ALTERNATING", "BY_PROBLEM"),
                csv(out.resolve("reliability.csv")).stream().skip(1).map(r -> r.get(0)).toList());
        for (String table : List.of("top_heads", "head_kurtosis", "head_kurtosis_by_trace", "sentence_scores",
                "sentences", "reliability", "category_tests", "category_values", "blackbox_by_trace")) {
            List<List<String>> rows = csv(out.resolve(table + ".csv"));
            int columns = rows.get(0).size();
            assertTrue(rows.stream().allMatch(r -> r.size() == columns), table + ": every row has " + columns + " cells");
        }

        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(5, results.get("tables").get("top_heads").size());
        assertEquals(sentences.size() - 1, results.get("tables").get("sentence_scores").size());
        JsonNode settings = Json.MAPPER.readTree(out.resolve("run.json").toFile());
        assertEquals(FakeModelWorker.MODEL_ID, settings.get("model_id").asText());
        assertTrue(settings.get("synthetic_weights").asBoolean());
        assertEquals("RECOMMENDED", settings.get("profile").asText());
        assertTrue(settings.get("options").toString().contains("topK=5"));
        assertEquals(TRACE_IDS, ids(settings.get("traces")));
        assertEquals(0, settings.get("traces_from_cache").size());
        assertEquals(3, fake.attentionCalls);
        assertTrue(fake.closed, "the worker is closed at the end");
        assertTrue(run.out().contains("SYNTHETIC"), run.out());
    }

    @Test
    void sentencesCsvPlacesEveryAnalysedSentenceInTheTextAndInTheTokens() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        assertEquals(0, receivers(fake, tmp.resolve("out")).status());

        List<List<String>> rows = csv(tmp.resolve("out/sentences.csv"));
        List<List<String>> scores = csv(tmp.resolve("out/sentence_scores.csv"));
        assertEquals(List.of("trace_id", "sentence_index", "label_index", "char_start", "char_end", "token_start",
                "token_end", "category", "text"), rows.get(0));
        assertEquals(scores.size(), rows.size());
        Map<String, Trace> traces = TraceReader.readTree(SAMPLE).stream()
                .collect(Collectors.toMap(Trace::id, t -> t));
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            assertEquals(scores.get(r).subList(0, 5), List.of(row.get(0), row.get(1), row.get(2), row.get(5),
                    row.get(6)), "the sentence_scores row of the same sentence");
            Trace trace = traces.get(row.get(0));
            String text = trace.baseSolution().fullCot();
            int charStart = Integer.parseInt(row.get(3));
            int charEnd = Integer.parseInt(row.get(4));
            assertEquals(text.substring(charStart, charEnd), row.get(8));
            // RECOMMENDED: every labelled chunk, found in the text (whitespace may differ)
            LabeledChunk chunk = trace.chunks().get(Integer.parseInt(row.get(2)));
            assertEquals(chunk.chunk().strip().replaceAll("\\s+", " "), row.get(8).strip().replaceAll("\\s+", " "));
            assertEquals(chunk.primaryTag(), row.get(7));
            // OFFSETS: the first token is the first whose characters reach past the sentence start
            Tokenization tokens = fake.tokenize(text, new int[0]);
            int first = 1;
            while (tokens.charEnds()[first] <= charStart) {
                first++;
            }
            assertEquals(first, Integer.parseInt(row.get(5)), row.toString());
        }
    }

    @Test
    void underThePaperProfileSentencesCsvSkipsTheDroppedSentencesAndStillMatchesTheText() throws IOException {
        assertEquals(0, receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("out"), "--profile", "REF_PAPER")
                .status());

        List<List<String>> rows = csv(tmp.resolve("out/sentences.csv"));
        assertEquals(csv(tmp.resolve("out/sentence_scores.csv")).size(), rows.size());
        Map<String, Trace> traces = TraceReader.readTree(SAMPLE).stream()
                .collect(Collectors.toMap(Trace::id, t -> t));
        int previousEnd = 0;
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            int charStart = Integer.parseInt(row.get(3));
            int charEnd = Integer.parseInt(row.get(4));
            if (row.get(1).equals("0")) {
                previousEnd = 0;
            }
            assertTrue(charStart >= previousEnd && charEnd > charStart, row.toString());
            previousEnd = charEnd;
            assertEquals(traces.get(row.get(0)).baseSolution().fullCot().substring(charStart, charEnd), row.get(8));
        }
    }

    @Test
    void everyNaNOfTheSummaryIsExplainedByAWarning() throws IOException {
        CliRun run = receivers(new FakeModelWorker(LAYERS, HEADS), SuppressionMatrixCommandTest.TRACE,
                tmp.resolve("out"));

        assertEquals(0, run.status(), run.transcript());
        List<String> nanLines = run.out().lines().filter(l -> l.contains("NaN")).toList();
        assertEquals(2, nanLines.size(), "one trace: no reliability, no black-box mean: " + run.out());
        List<String> warnings = Json.MAPPER.convertValue(Json.MAPPER.readTree(tmp.resolve("out/run.json").toFile())
                .get("warnings"), List.class);
        for (String explained : List.of("split-half reliability (alternating) is NaN",
                "split-half reliability (by_problem) is NaN", "the black-box mean residual Spearman and its CI are NaN")) {
            assertEquals(1, warnings.stream().filter(w -> w.startsWith(explained)).count(), explained + ": " + warnings);
            assertTrue(run.err().contains("ta: warning: " + explained), run.err());
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("this run has 1 trace(s)")), warnings.toString());
    }

    @Test
    void secondRunTakesEveryTraceFromTheCache() throws IOException {
        assertEquals(0, receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("first")).status());

        FakeModelWorker again = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = receivers(again, tmp.resolve("second"));

        assertEquals(0, run.status(), run.transcript());
        assertEquals(0, again.attentionCalls, "no forward pass");
        assertEquals(0, again.tokenizeCalls, "token ranges come from the cache too");
        JsonNode settings = Json.MAPPER.readTree(tmp.resolve("second/run.json").toFile());
        assertEquals(TRACE_IDS, Json.MAPPER.convertValue(settings.get("traces_from_cache"), List.class));
        assertEquals(Files.readString(tmp.resolve("first/top_heads.csv")),
                Files.readString(tmp.resolve("second/top_heads.csv")));
        assertEquals(Files.readString(tmp.resolve("first/sentence_scores.csv")),
                Files.readString(tmp.resolve("second/sentence_scores.csv")));
    }

    @Test
    void fullyCachedRunNeedsNoWorkerAtAll() throws IOException {
        assertEquals(0, receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("first")).status());

        CliRun run = CliRun.of(NO_WORKER, "receivers", "--data", SAMPLE.toString(), "--out",
                tmp.resolve("second").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress");

        assertEquals(0, run.status(), run.transcript());
        JsonNode settings = Json.MAPPER.readTree(tmp.resolve("second/run.json").toFile());
        assertEquals("none", settings.get("worker").get("mode").asText());
        assertEquals(FakeModelWorker.MODEL_ID, settings.get("model_id").asText(), "model info kept in the cache");
        assertEquals(Files.readString(tmp.resolve("first/top_heads.csv")),
                Files.readString(tmp.resolve("second/top_heads.csv")));
    }

    @Test
    void cacheOnlyRunWithMissingTracesIsAUsageError() {
        CliRun run = CliRun.of(NO_WORKER, "receivers", "--data", SAMPLE.toString(), "--out",
                tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress");

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("no --worker or --local given"), run.err());
    }

    @Test
    void workerDyingMidRunNamesTheTraceAndKeepsFinishedTracesCached() throws IOException {
        FakeModelWorker dying = new FakeModelWorker(LAYERS, HEADS);
        dying.failOnAttentionCall = 2;
        CliRun run = receivers(dying, tmp.resolve("out"));

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("failed on trace " + TRACE_IDS.get(1)), run.err());
        assertTrue(run.err().contains("1 of 3 traces are cached"), run.err());
        assertEquals(1, run.err().lines().count(), "one line, no stack trace: " + run.err());
        assertEquals(List.of(".arrow"), cacheFiles().stream().map(p -> p.getFileName().toString()
                .replaceAll("^[0-9a-f]{16}", "")).toList(), "trace 1 cached, no temporary file left");

        FakeModelWorker healthy = new FakeModelWorker(LAYERS, HEADS);
        assertEquals(0, receivers(healthy, tmp.resolve("rerun")).status());
        assertEquals(2, healthy.attentionCalls, "the rerun computes only the traces that were missing");
    }

    @Test
    void damagedCacheEntryIsRecomputedWithAWarning() throws IOException {
        assertEquals(0, receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("first")).status());
        Files.writeString(cacheFiles().get(0), "not an Arrow file");

        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = receivers(fake, tmp.resolve("second"));

        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, fake.attentionCalls);
        assertTrue(run.err().contains("warning") && run.err().contains("recomputing"), run.err());
    }

    @Test
    void sameSizeDamageInTheMiddleOfAnAttentionEntryIsCaughtDiscardedAndRecomputed() throws IOException {
        assertEquals(0, receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("first")).status());
        Path entry = cacheFiles().get(0);
        Damage.flipMiddle(entry);

        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = receivers(fake, tmp.resolve("second"));

        assertEquals(0, run.status(), run.transcript());
        assertEquals(1, fake.attentionCalls, "the damaged trace alone is recomputed");
        List<String> reports = run.err().lines().filter(l -> l.contains(entry.toString())).toList();
        assertEquals(1, reports.size(), "reported in one line: " + run.err());
        assertTrue(reports.get(0).contains("checksum"), reports.get(0));
        for (String table : List.of("top_heads.csv", "head_kurtosis_by_trace.csv", "sentence_scores.csv")) {
            assertEquals(Files.readString(tmp.resolve("first").resolve(table)),
                    Files.readString(tmp.resolve("second").resolve(table)), table);
        }
    }

    @Test
    void aWorkerSendingNaNFailsTheRunAsAWorkerProblemAndNothingIsCached() throws IOException {
        FakeModelWorker broken = new FakeModelWorker(LAYERS, HEADS);
        broken.nanValues = true;
        CliRun run = receivers(broken, tmp.resolve("out"));

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("invalid values") && run.err().contains("NaN"), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertEquals(List.of(), Files.isDirectory(tmp.resolve("cache")) ? cacheFiles() : List.of(), "nothing cached");

        FakeModelWorker healthy = new FakeModelWorker(LAYERS, HEADS);
        assertEquals(0, receivers(healthy, tmp.resolve("rerun")).status());
        assertEquals(3, healthy.attentionCalls, "a healthy worker recomputes every trace");
    }

    @Test
    void aBugIsAnInternalErrorInOneLineWithTheStackTraceInTheRunLog() throws IOException {
        FakeModelWorker buggy = new FakeModelWorker(LAYERS, HEADS);
        buggy.attentionBug = "a worker implementation's bug";
        CliRun run = receivers(buggy, tmp.resolve("out"));

        assertEquals(1, run.status(), run.transcript());
        Path log = tmp.resolve("out/run.log").toAbsolutePath();
        assertEquals(List.of("ta: internal error: java.lang.IllegalStateException: a worker implementation's bug (a bug:"
                + " the stack trace is in " + log + ")"), run.err().lines().toList());
        String trace = Files.readString(log);
        assertTrue(trace.contains("Caused by: java.lang.IllegalStateException: a worker implementation's bug")
                && trace.contains("at io.thoughtanchors.pipeline.FakeModelWorker.attention"), trace);
        assertFalse(Files.exists(tmp.resolve("out/run.json")));
    }

    @Test
    void missingDataFolderIsBadInput() {
        CliRun run = CliRun.of(target -> new FakeModelWorker(LAYERS, HEADS), "receivers", "--data",
                tmp.resolve("nowhere").toString(), "--worker", "fake:1", "--out", tmp.resolve("out").toString());

        assertEquals(3, run.status(), run.transcript());
        assertTrue(run.err().contains("nowhere"), run.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing is created for a run that cannot start");
    }

    @Test
    void malformedJsonIsBadInputNamingTheFile() throws IOException {
        Path data = copySample();
        Path broken = data.resolve("correct_base_solution/problem_2238/chunks_labeled.json");
        Files.writeString(broken, "[{\"chunk\": ");

        CliRun run = receivers(new FakeModelWorker(LAYERS, HEADS), data, tmp.resolve("out"));

        assertEquals(3, run.status(), run.transcript());
        assertTrue(run.err().contains(broken.toString()), run.err());
    }

    @Test
    void sentenceMissingFromItsTextIsBadInputNamingTheTrace() throws IOException {
        Path data = copySample();
        Path chunks = data.resolve("correct_base_solution/problem_3448/chunks_labeled.json");
        JsonNode json = Json.MAPPER.readTree(chunks.toFile());
        ((ObjectNode) json.get(5)).put("chunk", "A sentence the model never wrote.");
        Files.writeString(chunks, Json.write(json));

        CliRun run = receivers(new FakeModelWorker(LAYERS, HEADS), data, tmp.resolve("out"));

        assertEquals(3, run.status(), run.transcript());
        assertTrue(run.err().contains("trace " + TRACE_IDS.get(2)) && run.err().contains("Sentence not found"),
                run.err());
    }

    @Test
    void existingOutputFolderNeedsForce() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "keep me");

        CliRun refused = receivers(new FakeModelWorker(LAYERS, HEADS), out);
        assertEquals(5, refused.status(), refused.transcript());
        assertTrue(refused.err().contains("--force"), refused.err());

        CliRun forced = receivers(new FakeModelWorker(LAYERS, HEADS), out, "--force");
        assertEquals(0, forced.status(), forced.transcript());
        assertEquals("keep me", Files.readString(out.resolve("notes.txt")), "--force overwrites results only");
    }

    @Test
    void workerServingAnotherModelIsAWorkerProblem() {
        CliRun run = receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("out"), "--expect-model", "qwen-14b");

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("serves " + FakeModelWorker.MODEL_ID + ", expected qwen-14b"), run.err());
    }

    @Test
    void contractVersionMismatchIsAWorkerProblem() {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        fake.contractVersion = 2;
        CliRun run = receivers(fake, tmp.resolve("out"));

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("contract version 2"), run.err());
    }

    @Test
    void unreachableWorkerIsAWorkerProblem() {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        fake.unreachable = true;
        CliRun run = receivers(fake, tmp.resolve("out"));

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("cannot reach the worker at fake:1"), run.err());
    }

    @Test
    void workerAndLocalTogetherIsAUsageError() {
        CliRun run = CliRun.of(NO_WORKER, "receivers", "--data", SAMPLE.toString(), "--worker", "fake:1", "--local",
                "--out", tmp.resolve("out").toString());

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
    }

    @Test
    void profileAndOverridesChangeTheCacheMode() throws IOException {
        CliRun run = receivers(new FakeModelWorker(LAYERS, HEADS), tmp.resolve("out"), "--profile", "REF_HEAD",
                "--pooling", "recommended");

        assertEquals(0, run.status(), run.transcript());
        assertTrue(cacheFiles().stream().allMatch(p -> p.getParent().getFileName().toString()
                .equals("HEAD_PREFIX_COUNT-NONE-RECOMMENDED")), cacheFiles().toString());
    }

    private CliRun receivers(FakeModelWorker fake, Path out, String... extra) {
        return receivers(fake, SAMPLE, out, extra);
    }

    private CliRun receivers(FakeModelWorker fake, Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("receivers", "--data", data.toString(), "--worker", "fake:1",
                "--out", out.toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.of(target -> fake, args.toArray(String[]::new));
    }

    private List<Path> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private Path copySample() throws IOException {
        Path target = tmp.resolve("data/deepseek-r1-distill-qwen-14b");
        try (Stream<Path> files = Files.walk(SAMPLE)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(SAMPLE.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
        return target;
    }

    private static List<String> ids(JsonNode traces) {
        List<String> ids = new ArrayList<>();
        traces.forEach(t -> ids.add(t.get("id").asText()));
        return ids;
    }

    /** Splits CSV as RFC 4180 writes it: quoted cells may hold commas, doubled quotes and line breaks. */
    static List<List<String>> csv(Path file) throws IOException {
        String text = Files.readString(file);
        List<List<String>> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
                rows.add(cells);
                cells = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        return rows;
    }
}
