package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.FakeModelWorker;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reliability.csv against an independent computation (docs/algorithms.md §8) from head_kurtosis_by_trace.csv: halves built
 * here, means per head of layer ≥ 1, then Commons Math's Pearson and Spearman (not the analysis' Correlation) with
 * SciPy's t-based p-values. Seven sample traces of six problems, so the two splits differ.
 */
class ReliabilityTableTest {

    static final Path ALL_SAMPLES = Path.of("../../data/thought-anchors-sample");
    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    @Test
    void pearsonAndSpearmanOfBothSplitsEqualAnIndependentComputation() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = CliRun.of(target -> fake, "receivers", "--data", ALL_SAMPLES.toString(), "--worker", "fake:1",
                "--out", tmp.resolve("out").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress");
        assertEquals(0, run.status(), run.transcript());

        // trace id -> flat kurtosis [layer * HEADS + head], in the result's trace order
        Map<String, double[]> kurtosis = new LinkedHashMap<>();
        for (List<String> row : ReceiversCommandTest.csv(tmp.resolve("out/head_kurtosis_by_trace.csv")).subList(1,
                LAYERS * HEADS * 7 + 1)) {
            kurtosis.computeIfAbsent(row.get(0), id -> new double[LAYERS * HEADS])[
                    Integer.parseInt(row.get(1)) * HEADS + Integer.parseInt(row.get(2))] = Double.parseDouble(row.get(3));
        }
        List<String> ids = new ArrayList<>(kurtosis.keySet());
        assertEquals(7, ids.size());
        List<Integer> problems = ids.stream().map(id -> Integer.parseInt(id.substring(id.lastIndexOf('/') + 1))).toList();
        List<Integer> distinct = new ArrayList<>(new TreeSet<>(problems));
        assertEquals(6, distinct.size(), "problem 2236 has a trace of each model");

        List<List<String>> table = ReceiversCommandTest.csv(tmp.resolve("out/reliability.csv"));
        assertEquals(List.of("split", "traces_first", "traces_second", "heads", "pearson_r", "pearson_p",
                "spearman_r", "spearman_p"), table.get(0));
        for (List<String> row : table.subList(1, 3)) {
            boolean byProblem = row.get(0).equals("BY_PROBLEM");
            boolean[] first = new boolean[ids.size()];
            for (int r = 0; r < ids.size(); r++) {
                first[r] = byProblem ? distinct.indexOf(problems.get(r)) % 2 == 0 : r % 2 == 0;
            }
            List<double[]> pairs = new ArrayList<>();
            for (int h = HEADS; h < LAYERS * HEADS; h++) {
                double a = 0;
                double b = 0;
                int na = 0;
                int nb = 0;
                for (int r = 0; r < ids.size(); r++) {
                    double k = kurtosis.get(ids.get(r))[h];
                    if (first[r]) {
                        a += k;
                        na++;
                    } else {
                        b += k;
                        nb++;
                    }
                }
                if (Double.isFinite(a / na) && Double.isFinite(b / nb)) {
                    pairs.add(new double[] {a / na, b / nb});
                }
            }
            int firstCount = 0;
            for (boolean f : first) {
                firstCount += f ? 1 : 0;
            }
            assertEquals(Integer.toString(firstCount), row.get(1), row.get(0));
            assertEquals(Integer.toString(ids.size() - firstCount), row.get(2), row.get(0));
            assertEquals(Integer.toString(pairs.size()), row.get(3), row.get(0));
            assertTrue(pairs.size() >= 4, "enough heads for a meaningful correlation");
            double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
            double pearson = new PearsonsCorrelation().correlation(x, y);
            double spearman = new SpearmansCorrelation().correlation(x, y);
            assertEquals(pearson, Double.parseDouble(row.get(4)), 1e-12, row.get(0) + " pearson_r");
            assertEquals(pValue(pearson, x.length), Double.parseDouble(row.get(5)), 1e-9, row.get(0) + " pearson_p");
            assertEquals(spearman, Double.parseDouble(row.get(6)), 1e-12, row.get(0) + " spearman_r");
            assertEquals(pValue(spearman, x.length), Double.parseDouble(row.get(7)), 1e-9, row.get(0) + " spearman_p");
            assertTrue(Math.abs(pearson - spearman) > 1e-6, row.get(0) + ": the two differ, so a swap would show");
        }
    }

    /** Two-sided p of a correlation r over n pairs: t = r √((n−2)/(1−r²)) with n − 2 degrees of freedom (SciPy). */
    private static double pValue(double r, int n) {
        double t = r * Math.sqrt((n - 2) / (1 - r * r));
        return 2 * new TDistribution(n - 2).cumulativeProbability(-Math.abs(t));
    }
}
