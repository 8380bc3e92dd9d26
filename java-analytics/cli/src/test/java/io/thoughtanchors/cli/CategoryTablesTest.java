package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * category_tests.csv, category_means.csv and category_values.csv of {@code ta receivers} (docs/algorithms.md §9) against
 * computations made here from category_values.csv: Commons Math's paired t-test and moments, the Holm family's
 * size, and the means and problem counts. Seven sample traces of six problems (2236 has a trace of each model).
 */
class CategoryTablesTest {

    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    private CliRun receivers(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("receivers", "--data", ReliabilityTableTest.ALL_SAMPLES.toString(),
                "--worker", "fake:1", "--out", tmp.resolve(out).toString(), "--cache", tmp.resolve("cache").toString(),
                "--no-progress"));
        args.addAll(List.of(extra));
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        return CliRun.of(target -> fake, args.toArray(String[]::new));
    }

    /** category → (trace id → value), and trace id → problem, from category_values.csv. */
    record Values(Map<String, Map<String, Double>> byCategory, Map<String, Integer> problem) {
        static Values read(Path file) throws IOException {
            List<List<String>> rows = ReceiversCommandTest.csv(file);
            assertEquals(List.of("category", "trace_id", "problem", "value"), rows.get(0));
            Map<String, Map<String, Double>> byCategory = new LinkedHashMap<>();
            Map<String, Integer> problem = new HashMap<>();
            for (List<String> row : rows.subList(1, rows.size())) {
                byCategory.computeIfAbsent(row.get(0), c -> new LinkedHashMap<>()).put(row.get(1),
                        Double.parseDouble(row.get(3)));
                problem.put(row.get(1), Integer.parseInt(row.get(2)));
            }
            return new Values(byCategory, problem);
        }
    }

    @Test
    void testsAndMeansAgreeWithAComputationFromThePerTraceValues() throws IOException {
        CliRun run = receivers("out", "--category-resamples", "500", "--category-ci-level", "0.9",
                "--category-seed", "7");
        assertEquals(0, run.status(), run.transcript());
        Path out = tmp.resolve("out");
        Values values = Values.read(out.resolve("category_values.csv"));
        // A published trace id ends with its problem id: that is the problem the bootstrap draws.
        values.problem().forEach((trace, problem) ->
                assertEquals(trace.substring(trace.lastIndexOf('/') + 1), Integer.toString(problem), trace));
        assertEquals(6, new TreeSet<>(values.problem().values()).size());

        List<List<String>> tests = ReceiversCommandTest.csv(out.resolve("category_tests.csv"));
        assertEquals(List.of("category_a", "category_b", "traces", "n", "t", "df", "p", "p_holm", "cohens_dz"),
                tests.get(0));
        Map<String, List<String>> byPair = new HashMap<>();
        tests.subList(1, tests.size()).forEach(r -> byPair.put(r.get(0) + "|" + r.get(1), r));
        Set<String> unordered = new TreeSet<>();
        List<String> smallest = null;
        for (List<String> row : tests.subList(1, tests.size())) {
            Map<String, Double> a = values.byCategory().getOrDefault(row.get(0), Map.of());
            Map<String, Double> b = values.byCategory().getOrDefault(row.get(1), Map.of());
            List<String> both = a.keySet().stream().filter(t -> b.containsKey(t) && !a.get(t).isNaN()
                    && !b.get(t).isNaN()).toList();
            assertEquals(both.size(), Integer.parseInt(row.get(3)), row.toString());
            if (both.size() < 2) {
                assertEquals("NaN", row.get(7), "no test, no member of the family: " + row);
                assertEquals("NaN", row.get(8), row.toString());
                continue;
            }
            double[] x = both.stream().mapToDouble(a::get).toArray();
            double[] y = both.stream().mapToDouble(b::get).toArray();
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = x[i] - y[i];
            }
            double p = Double.parseDouble(row.get(6));
            assertEquals(new TTest().pairedTTest(x, y), p, 1e-9, row.toString());
            double dz = new Mean().evaluate(d) / new StandardDeviation(true).evaluate(d);
            assertEquals(dz, Double.parseDouble(row.get(8)), 1e-9 * Math.max(1, Math.abs(dz)), row.toString());
            double pHolm = Double.parseDouble(row.get(7));
            assertTrue(pHolm >= p && pHolm <= 1, row.toString());
            assertEquals(row.get(7), byPair.get(row.get(1) + "|" + row.get(0)).get(7), "both orders, one Holm p");
            unordered.add(String.join("|", new TreeSet<>(List.of(row.get(0), row.get(1)))));
            if (smallest == null || p < Double.parseDouble(smallest.get(6))) {
                smallest = row;
            }
        }
        // Holm multiplies the smallest p by the family's size: the unordered pairs with a test, each counted once.
        int m = unordered.size();
        assertTrue(m >= 3, "the sample has several testable pairs: " + m);
        assertEquals(Math.min(1, m * Double.parseDouble(smallest.get(6))), Double.parseDouble(smallest.get(7)), 1e-12,
                smallest.toString());

        List<List<String>> means = ReceiversCommandTest.csv(out.resolve("category_means.csv"));
        assertEquals(List.of("category", "traces", "problems", "mean", "ci_low", "ci_high", "ci_level", "resamples",
                "few_problems"), means.get(0));
        assertEquals(6, means.size() - 1, "one row per analysed category");
        for (List<String> row : means.subList(1, means.size())) {
            Map<String, Double> v = values.byCategory().getOrDefault(row.get(0), Map.of());
            double[] finite = v.values().stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x))
                    .toArray();
            int problems = (int) v.keySet().stream().filter(t -> !v.get(t).isNaN()).map(values.problem()::get)
                    .distinct().count();
            assertEquals(finite.length, Integer.parseInt(row.get(1)), row.toString());
            assertEquals(problems, Integer.parseInt(row.get(2)), row.toString());
            assertEquals(List.of("0.9", "500", Boolean.toString(problems < 5)), row.subList(6, 9));
            double mean = Double.parseDouble(row.get(3));
            double low = Double.parseDouble(row.get(4));
            double high = Double.parseDouble(row.get(5));
            if (finite.length == 0) {
                assertTrue(Double.isNaN(mean), row.toString());
            } else {
                assertEquals(new Mean().evaluate(finite), mean, 1e-12, row.toString());
            }
            if (problems < 2) {
                assertTrue(Double.isNaN(low) && Double.isNaN(high), "one problem: no interval " + row);
            } else {
                assertTrue(low <= mean && mean <= high, row.toString());
            }
        }
        JsonNode bootstrap = Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("category_bootstrap");
        assertEquals("problems", bootstrap.get("resampled").asText());
        assertEquals(500, bootstrap.get("resamples").asInt());
        assertEquals(0.9, bootstrap.get("level").asDouble());
        assertEquals(7, bootstrap.get("seed").asLong());
        assertTrue(Json.MAPPER.readTree(out.resolve("run.json").toFile()).get("options").toString()
                .contains("categoryBootstrap: resamples 500, level 0.9, seed 7"));
    }

    @Test
    void theSeedFixesTheIntervalsAndAnotherSeedMovesThem() throws IOException {
        assertEquals(0, receivers("a").status());
        assertEquals(0, receivers("b").status());
        assertEquals(0, receivers("c", "--category-seed", "2").status());
        String a = Files.readString(tmp.resolve("a/category_means.csv"));
        assertEquals(a, Files.readString(tmp.resolve("b/category_means.csv")));
        assertNotEquals(a, Files.readString(tmp.resolve("c/category_means.csv")));
        assertTrue(a.lines().skip(1).allMatch(l -> l.contains(",0.95,2000,")), a);
    }

    @Test
    void badBootstrapOptionsAreUsageErrors() {
        CliRun level = receivers("x", "--category-ci-level", "1.5");
        assertEquals(2, level.status(), level.transcript());
        assertTrue(level.err().contains("--category-ci-level must be strictly between 0 and 1"), level.err());
        CliRun resamples = receivers("y", "--category-resamples", "0");
        assertEquals(2, resamples.status(), resamples.transcript());
        assertTrue(resamples.err().contains("--category-resamples must be at least 1"), resamples.err());
    }
}
