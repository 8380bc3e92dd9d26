package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.suppression.PlaceboRule;
import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.analysis.suppression.SparseKl;
import io.thoughtanchors.analysis.suppression.SuppFormat;
import io.thoughtanchors.analysis.suppression.SuppressionMatrix;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.pipeline.Damage;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.RoundRobinWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.suppression.PassExecutor;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ta suppression-matrix} end to end with in-process fake workers. */
class SuppressionMatrixCommandTest {

    static final Path TRACE = ReceiversCommandTest.SAMPLE.resolve("correct_base_solution/problem_2238");
    static final String TRACE_ID = "deepseek-r1-distill-qwen-14b/correct/2238";
    static final int SENTENCES = 60;
    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    @Test
    void matrixEqualsTheAnalyticsOnTheWorkersNucleiAndIsExportedInThePublishedFormat() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = run(fake, TRACE, tmp.resolve("out"));

        assertEquals(0, run.status(), run.transcript());
        int callsOf8 = (SENTENCES + 7) / 8;  // default --variants-per-call 8
        assertEquals(1 + callsOf8, fake.logitsCalls.get(), "a baseline call and one call per 8 sentences");
        assertEquals(1 + SENTENCES, fake.variantsRequested.get(), "a baseline and one pass per sentence");
        double[][] e = matrix(tmp.resolve("out"), "suppression_matrix.csv");
        assertEquals(SENTENCES, e.length);
        assertArrayEquals(flat(expectedMatrix(fake)), flat(e), 0, "E from the stored KL equals SuppressionMatrix's");
        for (int i = 0; i < SENTENCES; i++) {
            for (int j = i + 1; j < SENTENCES; j++) {
                assertEquals(SparseKl.LOG_OF_ZERO_KL, e[i][j], 1e-12, "sentence " + i + " cannot see sentence " + j);
            }
        }

        double[][] normalised = matrix(tmp.resolve("out"), "suppression_matrix_normalised.csv");
        double[] means = RowNormalisation.rowMeans(normalised);
        assertTrue(Double.isNaN(means[0]), "row 0 has no earlier sentence");
        for (int i = 1; i < SENTENCES; i++) {
            assertEquals(0, means[i], 1e-9, "row " + i + " mean");
        }
        double[][] exported = SuppFormat.fromJson(Files.readString(traceOut(tmp.resolve("out"))
                .resolve("step_importance_supp.json")));
        assertArrayEquals(flat(SuppFormat.fromSourceTarget(SuppFormat.toSourceTarget(normalised))), flat(exported), 0);

        JsonNode comparison = Json.MAPPER.readTree(traceOut(tmp.resolve("out")).resolve("published_comparison.json")
                .toFile());
        assertTrue(comparison.get("caveat").asText().startsWith("SYNTHETIC MODEL"), comparison.toString());
        assertEquals(SENTENCES * (SENTENCES - 1) / 2, comparison.get("pairs").asInt());
        JsonNode settings = Json.MAPPER.readTree(tmp.resolve("out/run.json").toFile());
        JsonNode trace = settings.get("traces").get(0);
        assertEquals(SENTENCES + 1, settings.get("passes_computed").asInt());
        assertEquals(1 + callsOf8, trace.get("passes").size(), "one timing per Logits call");
        assertEquals(0, trace.get("columns_from_store").size());
        assertTrue(trace.get("input_tokens").asInt() <= trace.get("text_tokens").asInt());
        assertEquals(trace.get("input_tokens").asInt(), ((ModelInput.Tokens) fake.logitsQueries.peek().input()).length(),
                "the input is cut at the last sentence's end");
    }

    @Test
    void averagesAcrossTracesByDistanceAndCategoryPair() throws IOException {
        CliRun run = run(new FakeModelWorker(LAYERS, HEADS), ReceiversCommandTest.SAMPLE, tmp.resolve("out"),
                "--distance-pooling", "POOL_ENTRIES");

        assertEquals(0, run.status(), run.transcript());
        List<List<String>> distance = ReceiversCommandTest.csv(tmp.resolve("out/suppression_by_distance.csv"));
        assertEquals(List.of("distance", "mean", "standard_error", "entries", "traces"), distance.get(0));
        assertEquals("1", distance.get(1).get(0));
        assertEquals("3", distance.get(1).get(4), "every trace has neighbours at distance 1");
        assertEquals(Integer.toString(59 + 86 + 75), distance.get(1).get(3), "entries at distance 1");
        List<List<String>> pairs = ReceiversCommandTest.csv(tmp.resolve("out/suppression_by_category_pair.csv"));
        assertTrue(pairs.size() > 1, "category pairs");
        assertEquals(4, ReceiversCommandTest.csv(tmp.resolve("out/published_comparison.csv")).size());
    }

    @Test
    void rerunTakesEveryColumnFromTheStoreAndAnotherKlModeNeedsNoPass() throws IOException {
        assertEquals(0, run(new FakeModelWorker(LAYERS, HEADS), TRACE, tmp.resolve("first")).status());

        FakeModelWorker again = new FakeModelWorker(LAYERS, HEADS);
        CliRun second = run(again, TRACE, tmp.resolve("second"));
        assertTrue(second.err().isEmpty(), second.err());
        FakeModelWorker tail = new FakeModelWorker(LAYERS, HEADS);
        CliRun third = run(tail, TRACE, tmp.resolve("third"), "--kl-mode", "SPARSE_WITH_TAIL", "--alignment",
                "OF_TOKENS");

        assertEquals(0, second.status(), second.transcript());
        assertEquals(0, again.logitsCalls.get(), "no pass");
        assertEquals(0, again.tokenizeCalls, "token ranges and ids are stored too");
        assertEquals(Files.readString(traceOut(tmp.resolve("first")).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("second")).resolve("suppression_matrix.csv")));
        JsonNode trace = Json.MAPPER.readTree(tmp.resolve("second/run.json").toFile()).get("traces").get(0);
        assertEquals(SENTENCES, trace.get("columns_from_store").size());
        assertTrue(trace.get("baseline_from_store").asBoolean());
        assertEquals(0, third.status(), third.transcript());
        assertEquals(0, tail.logitsCalls.get(), "KL mode and alignment apply to stored values");
        assertNotEquals(Files.readString(traceOut(tmp.resolve("first")).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("third")).resolve("suppression_matrix.csv")));
    }

    @Test
    void sameSizeDamageToAColumnFileIsCaughtAndOnlyThatColumnRecomputed() throws IOException {
        FakeModelWorker first = new FakeModelWorker(LAYERS, HEADS);
        FakeModelWorker fake = damagedStoreRerun(first, "kl-0007.bin", false);

        assertEquals(1, fake.variantsRequested.get(), "one suppressed pass");
        List<TokenRange> suppressed = first.logitsQueries.stream().flatMap(q -> q.variants().stream())
                .filter(v -> !v.isBaseline()).map(v -> v.ranges().get(0))
                .sorted(Comparator.comparingInt(TokenRange::start)).toList();
        assertEquals(List.of(suppressed.get(7)), fake.logitsQueries.peek().variants().get(0).ranges(),
                "sentence 7's");
    }

    @Test
    void sameSizeDamageToTheBaselineIsCaughtAndOnlyTheBaselineRecomputed() throws IOException {
        FakeModelWorker fake = damagedStoreRerun(new FakeModelWorker(LAYERS, HEADS), "baseline.nucleus", false);

        assertEquals(1, fake.variantsRequested.get(), "the baseline pass alone");
        assertTrue(fake.logitsQueries.peek().variants().get(0).isBaseline());
    }

    @Test
    void sameSizeDamageToTheStoredInputIsCaughtAndTheInputRebuilt() throws IOException {
        FakeModelWorker fake = damagedStoreRerun(new FakeModelWorker(LAYERS, HEADS), "meta.json", true);

        assertEquals(0, fake.logitsCalls.get(), "the stored passes still hold for the rebuilt input");
        assertTrue(fake.tokenizeCalls > 0, "token ids come from the worker again");
    }

    /**
     * A first run, then same-size damage to one of the trace's store files, then a rerun: it reports that file in
     * one line, discards it, recomputes what it held and writes the matrix of the first run.
     */
    private FakeModelWorker damagedStoreRerun(FakeModelWorker first, String file, boolean text) throws IOException {
        assertEquals(0, run(first, TRACE, tmp.resolve("first")).status());
        Path damaged;
        try (Stream<Path> files = Files.walk(tmp.resolve("cache/suppression"))) {
            damaged = files.filter(p -> p.getFileName().toString().equals(file)).findFirst().orElseThrow();
        }
        if (text) {
            Damage.changeDigitInTheMiddle(damaged);
        } else {
            Damage.flipMiddle(damaged);
        }

        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun rerun = run(fake, TRACE, tmp.resolve("second"));

        assertEquals(0, rerun.status(), rerun.transcript());
        List<String> reports = rerun.err().lines().filter(l -> l.contains(damaged.toString())).toList();
        assertEquals(1, reports.size(), "reported in one line: " + rerun.err());
        assertTrue(reports.get(0).contains("checksum"), reports.get(0));
        assertEquals(Files.readString(traceOut(tmp.resolve("first")).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("second")).resolve("suppression_matrix.csv")));
        return fake;
    }

    @Test
    void aWorkerSendingNaNLogitsFailsTheRunAsAWorkerProblemAndNoPassIsStored() throws IOException {
        FakeModelWorker broken = new FakeModelWorker(LAYERS, HEADS);
        broken.nanValues = true;
        CliRun run = run(broken, TRACE, tmp.resolve("out"));

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().contains("invalid values") && run.err().contains("logit NaN"), run.err());
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".nucleus") || f.endsWith(".bin")).toList(), "no pass stored");
        }
        assertFalse(Files.exists(tmp.resolve("out/run.json")));
    }

    @Test
    void aForcedRerunThatCannotWriteAResultLeavesNoRunJsonAndNoPartialFile() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, run(new FakeModelWorker(LAYERS, HEADS), TRACE, out).status());
        assertTrue(Files.isRegularFile(out.resolve("run.json")));
        // the rerun's step_importance_supp.json cannot be put in place: a folder with a file holds its name
        Path blocked = traceOut(out).resolve("step_importance_supp.json");
        Files.delete(blocked);
        Files.createDirectories(blocked);
        Files.writeString(blocked.resolve("keep"), "x");

        CliRun rerun = run(new FakeModelWorker(LAYERS, HEADS), TRACE, out, "--force", "--kl-mode", "SPARSE_WITH_TAIL");

        assertEquals(5, rerun.status(), rerun.transcript());
        assertTrue(rerun.err().contains("cannot write " + blocked), rerun.err());
        assertFalse(Files.exists(out.resolve("run.json")), "the earlier run.json is gone: the folder is incomplete");
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void workerDyingStopsWithStatus4AndTheRerunComputesOnlyMissingColumns() throws IOException {
        FakeModelWorker dying = new FakeModelWorker(LAYERS, HEADS);
        dying.dieAtLogitsCall = 10;
        String[] onePassPerCall = {"--variants-per-call", "1", "--parallel", "1"};  // call counts = pass counts
        CliRun failed = run(dying, TRACE, tmp.resolve("failed"), onePassPerCall);

        assertEquals(4, failed.status(), failed.transcript());
        assertTrue(failed.err().contains("failed on trace " + TRACE_ID), failed.err());
        assertTrue(failed.err().contains("8 of " + SENTENCES + " columns are stored"), failed.err());
        assertEquals(1, failed.err().lines().count(), "one line: " + failed.err());
        assertEquals(9 + PassExecutor.MAX_ATTEMPTS, dying.logitsCalls.get(), "the failed pass was retried");

        FakeModelWorker healthy = new FakeModelWorker(LAYERS, HEADS);
        CliRun rerun = run(healthy, TRACE, tmp.resolve("rerun"), onePassPerCall);
        assertEquals(0, rerun.status(), rerun.transcript());
        assertEquals(SENTENCES - 8, healthy.logitsCalls.get(), "baseline and 8 columns come from the store");
        assertEquals(Files.readString(traceOut(uninterrupted()).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("rerun")).resolve("suppression_matrix.csv")));
    }

    @Test
    void twoWorkersGiveTheMatrixOfOne() throws IOException {
        FakeModelWorker a = new FakeModelWorker(LAYERS, HEADS);
        FakeModelWorker b = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = runOn(new RoundRobinWorker(List.of(a, b)), "a:1,b:2", TRACE, tmp.resolve("out"),
                "--variants-per-call", "3");

        assertEquals(0, run.status(), run.transcript());
        assertTrue(a.logitsCalls.get() > 0 && b.logitsCalls.get() > 0, "both workers answered passes");
        assertEquals(Files.readString(traceOut(uninterrupted()).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("out")).resolve("suppression_matrix.csv")));
    }

    @Test
    void oneOfTwoWorkersDyingMidRunIsSurvived() throws IOException {
        FakeModelWorker a = new FakeModelWorker(LAYERS, HEADS);
        FakeModelWorker b = new FakeModelWorker(LAYERS, HEADS);
        b.dieAtLogitsCall = 5;
        // One call per worker in flight: this fake round-robin never drops the dead worker from rotation (gRPC's
        // balancer does), so more calls in flight could send every retry of a pass to it.
        CliRun run = runOn(new RoundRobinWorker(List.of(a, b)), "a:1,b:2", TRACE, tmp.resolve("out"),
                "--variants-per-call", "1", "--parallel", "2");

        assertEquals(0, run.status(), run.transcript());
        assertEquals(Files.readString(traceOut(uninterrupted()).resolve("suppression_matrix.csv")),
                Files.readString(traceOut(tmp.resolve("out")).resolve("suppression_matrix.csv")));
        JsonNode passes = Json.MAPPER.readTree(tmp.resolve("out/run.json").toFile()).get("traces").get(0)
                .get("passes");
        List<Integer> attempts = new ArrayList<>();
        passes.forEach(p -> attempts.add(p.get("attempts").asInt()));
        assertTrue(attempts.stream().anyMatch(n -> n > 1), "passes that met the dead worker were retried: " + attempts);
    }

    @Test
    void badNucleusOptionIsAUsageError() {
        CliRun run = run(new FakeModelWorker(LAYERS, HEADS), TRACE, tmp.resolve("out"), "--top-p", "1.5");

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("topP"), run.err());
    }

    /**
     * docs/algorithms.md §12.9: every placebo span of {@link PlaceboSpans#all} is one more pass, in calls of its own, and
     * its cells are its nucleus averaged over each receiving sentence exactly as a real column.
     */
    @Test
    void placeboSpansArePassesOfTheirOwnAveragedLikeTheRealColumns() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = run(fake, TRACE, tmp.resolve("out"), "--placebo-draws", "2", "--placebo-seed", "9");
        assertEquals(0, run.status(), run.transcript());
        assertTrue(run.out().contains("vs placebo (2 draws, seed 9, disjoint)"), run.out());

        Path meta;
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            meta = files.filter(f -> f.getFileName().toString().equals("meta.json")).findFirst().orElseThrow();
        }
        JsonNode ranges = Json.MAPPER.readTree(meta.toFile()).get("token_ranges");
        int[] start = Json.MAPPER.treeToValue(ranges.get("start"), int[].class);
        int[] end = Json.MAPPER.treeToValue(ranges.get("end"), int[].class);
        List<PlaceboSpans.Span> spans = PlaceboSpans.all(start, end, PlaceboRule.DISJOINT, 2, 9);
        assertTrue(spans.size() > SENTENCES, "most sentences get two placebos");
        assertEquals(1 + SENTENCES + spans.size(), fake.variantsRequested.get());

        List<LogitsQuery> queries = new ArrayList<>(fake.logitsQueries);
        LogitsQuery baselineQuery = queries.stream().filter(q -> q.variants().get(0).isBaseline()).findFirst()
                .orElseThrow();
        Nucleus baseline = FakeModelWorker.answer(baselineQuery).variant(0).nucleus().orElseThrow();
        int tokens = ((ModelInput.Tokens) baselineQuery.input()).length();
        java.util.Map<List<Integer>, Nucleus> placeboPasses = new java.util.HashMap<>();
        java.util.Set<List<Integer>> sentences = new java.util.HashSet<>();
        for (int j = 0; j < SENTENCES; j++) {
            sentences.add(List.of(start[j], end[j]));
        }
        for (LogitsQuery q : queries) {
            if (q.variants().get(0).isBaseline()) {
                continue;
            }
            List<List<Integer>> suppressed = q.variants().stream().map(v -> List.of(v.ranges().get(0).start(),
                    v.ranges().get(0).end())).toList();
            boolean real = sentences.containsAll(suppressed);
            assertTrue(real || suppressed.stream().noneMatch(sentences::contains), "a call is real or placebo");
            if (!real) {
                var answer = FakeModelWorker.answer(q);
                for (int v = 0; v < suppressed.size(); v++) {
                    assertEquals(null, placeboPasses.put(suppressed.get(v), answer.variant(v).nucleus().orElseThrow()),
                            "each span is suppressed once");
                }
            }
        }
        assertEquals(spans.size(), placeboPasses.size());

        java.util.Map<List<Integer>, Double> written = new java.util.HashMap<>();
        List<List<String>> rows = ReceiversCommandTest.csv(traceOut(tmp.resolve("out")).resolve("suppression_placebo.csv"));
        assertEquals(List.of("receiving", "suppressed", "draw", "offset", "placebo_start", "placebo_end", "placebo"),
                rows.get(0));
        for (List<String> r : rows.subList(1, rows.size())) {
            written.put(List.of(Integer.parseInt(r.get(0)), Integer.parseInt(r.get(4)), Integer.parseInt(r.get(5))),
                    Double.parseDouble(r.get(6)));
        }
        for (PlaceboSpans.Span span : spans) {
            SuppressionMatrix m = new SuppressionMatrix(baseline, start, end, tokens, SuppressionOptions.REFERENCE);
            double[] column = m.addColumn(span.sentence(), placeboPasses.get(List.of(span.start(), span.end())));
            for (int i = 0; i < SENTENCES; i++) {
                assertEquals(column[i], written.get(List.of(i, span.start(), span.end())), 0, "span " + span + " row " + i);
            }
        }
        JsonNode runJson = Json.MAPPER.readTree(tmp.resolve("out/run.json").toFile());
        assertEquals(2, runJson.get("suppression").get("placebo_draws").asInt());
        assertEquals(9, runJson.get("suppression").get("placebo_seed").asLong());
        assertEquals(spans.size(), runJson.get("traces").get(0).get("placebo_passes_computed").asInt());

        assertEquals("disjoint", runJson.get("suppression").get("placebo_rule").asText(), "the default rule");

        CliRun rerun = run(fake, TRACE, tmp.resolve("again"), "--placebo-draws", "2", "--placebo-seed", "9");
        assertEquals(0, rerun.status(), rerun.transcript());
        assertEquals(0, Json.MAPPER.readTree(tmp.resolve("again/run.json").toFile()).get("passes_computed").asInt(),
                "a rerun takes every placebo from the store");

        // the other rule on the same store: only its spans that no disjoint draw already suppressed are new passes
        // (a straddling span of sentence j − 1 can equal a disjoint one of j; κ depends on the span alone)
        List<PlaceboSpans.Span> straddling = PlaceboSpans.all(start, end, PlaceboRule.STRADDLING, 2, 9);
        java.util.Set<List<Integer>> disjointSpans = new java.util.HashSet<>(placeboPasses.keySet());
        long shared = straddling.stream().filter(sp -> disjointSpans.contains(List.of(sp.start(), sp.end()))).count();
        assertTrue(shared > 0, "this trace has spans both rules draw");
        CliRun other = run(fake, TRACE, tmp.resolve("straddling"), "--placebo-draws", "2", "--placebo-seed", "9",
                "--placebo-rule", "straddling");
        assertEquals(0, other.status(), other.transcript());
        assertTrue(other.out().contains("vs placebo (2 draws, seed 9, straddling)"), other.out());
        JsonNode otherJson = Json.MAPPER.readTree(tmp.resolve("straddling/run.json").toFile());
        assertEquals("straddling", otherJson.get("suppression").get("placebo_rule").asText());
        assertEquals(straddling.size() - shared, otherJson.get("passes_computed").asInt());
        List<List<String>> otherRows = ReceiversCommandTest.csv(traceOut(tmp.resolve("straddling"))
                .resolve("suppression_placebo.csv"));
        for (List<String> r : otherRows.subList(1, otherRows.size())) {
            int j = Integer.parseInt(r.get(1));
            assertEquals(start[j] - Integer.parseInt(r.get(3)), Integer.parseInt(r.get(4)), "straddling: a_j − s");
        }
    }

    @Test
    void anUnknownPlaceboRuleIsAUsageError() {
        CliRun run = run(new FakeModelWorker(LAYERS, HEADS), TRACE, tmp.resolve("out"), "--placebo-draws", "1",
                "--placebo-rule", "anywhere");

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("--placebo-rule"), run.err());
    }

    @Test
    void negativePlaceboDrawsAreAUsageError() {
        CliRun run = run(new FakeModelWorker(LAYERS, HEADS), TRACE, tmp.resolve("out"), "--placebo-draws", "-1");

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("--placebo-draws"), run.err());
    }

    /** A one-worker run on a fresh cache: the reference matrix. */
    private Path uninterrupted() {
        Path out = tmp.resolve("reference");
        CliRun run = CliRun.of(target -> new FakeModelWorker(LAYERS, HEADS), "suppression-matrix", "--data",
                TRACE.toString(), "--worker", "fake:1", "--out", out.toString(), "--cache",
                tmp.resolve("reference-cache").toString(), "--no-progress");
        assertEquals(0, run.status(), run.transcript());
        return out;
    }

    /** E computed directly with {@link SuppressionMatrix#addColumn} from the nuclei the fake answered. */
    private static double[][] expectedMatrix(FakeModelWorker fake) {
        List<LogitsQuery> queries = new ArrayList<>(fake.logitsQueries);
        LogitsQuery baselineQuery = queries.stream().filter(q -> q.variants().get(0).isBaseline()).findFirst()
                .orElseThrow();
        Nucleus baseline = FakeModelWorker.answer(baselineQuery).variant(0).nucleus().orElseThrow();
        // Every suppressed variant of every call, with the nucleus the fake answered for it, by sentence start.
        record Pass(Suppression suppression, Nucleus nucleus) {
        }
        List<Pass> passes = new ArrayList<>();
        for (LogitsQuery q : queries) {
            if (q.variants().get(0).isBaseline()) {
                continue;
            }
            var answer = FakeModelWorker.answer(q);
            for (int v = 0; v < q.variants().size(); v++) {
                passes.add(new Pass(q.variants().get(v), answer.variant(v).nucleus().orElseThrow()));
            }
        }
        passes.sort(Comparator.comparingInt(p -> p.suppression().ranges().get(0).start()));
        int n = passes.size();
        int[] start = new int[n];
        int[] end = new int[n];
        for (int j = 0; j < n; j++) {
            start[j] = passes.get(j).suppression().ranges().get(0).start();
            end[j] = passes.get(j).suppression().ranges().get(0).end();
        }
        int tokens = ((ModelInput.Tokens) baselineQuery.input()).length();
        SuppressionMatrix m = new SuppressionMatrix(baseline, start, end, tokens, SuppressionOptions.REFERENCE);
        for (int j = 0; j < n; j++) {
            m.addColumn(j, passes.get(j).nucleus());
        }
        return m.matrix();
    }

    private static double[][] matrix(Path out, String file) throws IOException {
        List<List<String>> rows = ReceiversCommandTest.csv(traceOut(out).resolve(file));
        double[][] m = new double[rows.size() - 1][];
        for (int i = 1; i < rows.size(); i++) {
            assertEquals(Integer.toString(i - 1), rows.get(i).get(0));
            m[i - 1] = rows.get(i).stream().skip(1).mapToDouble(Double::parseDouble).toArray();
        }
        return m;
    }

    private static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static Path traceOut(Path out) {
        return out.resolve(TRACE_ID);
    }

    private CliRun run(FakeModelWorker fake, Path data, Path out, String... extra) {
        return runOn(fake, "fake:1", data, out, extra);
    }

    private CliRun runOn(io.thoughtanchors.worker.ModelWorker worker, String addresses, Path data, Path out,
                         String... extra) {
        List<String> args = new ArrayList<>(List.of("suppression-matrix", "--data", data.toString(), "--worker",
                addresses, "--out", out.toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.of(t -> worker, args.toArray(String[]::new));
    }
}
