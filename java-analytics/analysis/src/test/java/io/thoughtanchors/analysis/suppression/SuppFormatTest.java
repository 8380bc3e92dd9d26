package io.thoughtanchors.analysis.suppression;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.thoughtanchors.analysis.TestData;
import io.thoughtanchors.data.Trace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code step_importance_supp.json} format (docs/algorithms.md §1.2, §12.6). */
class SuppFormatTest {
    /**
     * Largest |row mean| the published files show is 5.1e-15 (problem 2236, values up to ≈ 20, rows up to 86
     * entries); 1e-14 bounds all of them.
     */
    static final double ZERO_MEAN_TOL = 1e-14;

    static double[][] randomNormalised(int n, long seed) {
        Random r = new Random(seed);
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e[i][j] = -20.72 + 40 * r.nextDouble();
            }
        }
        return RowNormalisation.normalise(e);
    }

    static List<String> texts(int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add("Sentence " + i + " with \"quotes\", \\backslash and \\(x^2\\) → unicode.");
        }
        return t;
    }

    static void assertSameMatrix(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 0.0, "row " + i); // NaN equals NaN here
        }
    }

    @Test
    void exportImportRoundTripIsExact() {
        double[][] norm = randomNormalised(23, 4);
        String json = SuppFormat.toJson(norm, texts(23));
        double[][] back = SuppFormat.fromJson(json);
        assertSameMatrix(norm, back); // j ≥ i is NaN on both sides
        List<SuppFormat.SourceEntry> entries = SuppFormat.parse(json);
        assertEquals(texts(23).get(5), entries.get(5).sourceChunkText());
        assertEquals(0, entries.get(22).targetImpacts().size());
        // target_impacts[j − i − 1].importance_score = Ẽ[j][i]
        assertEquals(norm[9][4], entries.get(4).targetImpacts().get(9 - 4 - 1).importanceScore(), 0.0);
        assertEquals(0.0, entries.get(0).targetImpacts().get(0).importanceScore(), 0.0); // row 1 normalises to 0
        assertSameMatrix(norm, SuppFormat.fromSourceTarget(SuppFormat.toSourceTarget(norm)));
    }

    @Test
    void outputWithoutNaNIsPlainJsonThatStrictParsersRead() throws IOException {
        String json = SuppFormat.toJson(randomNormalised(6, 1), texts(6));
        var tree = new ObjectMapper().readTree(json); // default mapper: no NaN tokens allowed
        assertEquals(6, tree.size());
        assertEquals("source_chunk_idx", tree.get(0).fieldNames().next());
    }

    @Test
    void nanIsWrittenAsPythonDoes() {
        double[][] norm = randomNormalised(4, 2);
        norm[3][1] = Double.NaN;
        String json = SuppFormat.toJson(norm, texts(4));
        assertTrue(json.contains("\"importance_score\":NaN"), json);
        assertTrue(Double.isNaN(SuppFormat.fromJson(json)[3][1]));
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SuppFormat.fromJson("{}"));
        assertThrows(IllegalArgumentException.class, () -> SuppFormat.fromJson("[{\"source_chunk_idx\": 0, \"target_impacts\": "
                + "[{\"target_chunk_idx\": 2, \"importance_score\": 0.0}]}, {\"source_chunk_idx\": 1, \"target_impacts\": []}]"));
        assertThrows(IllegalArgumentException.class, () -> SuppFormat.toJson(new double[2][2], List.of("only one")));
    }

    static int checkPublished(List<Trace> traces) {
        int checked = 0;
        for (Trace t : traces) {
            if (t.stepImportanceSupp().isEmpty()) {
                continue;
            }
            double[][] fromReader = SuppFormat.fromSourceTarget(t.stepImportanceSupp().get());
            int n = t.numChunks();
            assertEquals(n, fromReader.length);
            // zero-row-mean property of row-normalised output, and row 1's single value is exactly 0
            double[] means = RowNormalisation.rowMeans(fromReader);
            assertTrue(Double.isNaN(means[0]), t.id());
            for (int j = 1; j < n; j++) {
                assertEquals(0.0, means[j], ZERO_MEAN_TOL, t.id() + " receiving row " + j);
            }
            assertEquals(0.0, fromReader[1][0], 0.0, t.id());
            // renormalising a normalised matrix changes it only by its (≈0) row means
            double[][] again = RowNormalisation.normalise(fromReader);
            for (int j = 0; j < n; j++) {
                assertArrayEquals(fromReader[j], again[j], ZERO_MEAN_TOL, t.id());
            }
            checked++;
        }
        return checked;
    }

    @Test
    void publishedSampleFilesLoadAndAreRowNormalised() throws IOException {
        Path dir = TestData.SAMPLE.resolve("deepseek-r1-distill-qwen-14b/correct_base_solution");
        for (int problem : new int[]{2238, 2236, 3448}) {
            Path folder = dir.resolve("problem_" + problem);
            String json = Files.readString(folder.resolve("step_importance_supp.json"));
            double[][] ours = SuppFormat.fromJson(json);
            Trace trace = TestData.read(folder).get(0);
            assertSameMatrix(SuppFormat.fromSourceTarget(trace.stepImportanceSupp().orElseThrow()), ours);
            assertEquals(trace.numChunks(), ours.length);
            // texts survive, and re-export → import reproduces the matrix exactly
            List<SuppFormat.SourceEntry> entries = SuppFormat.parse(json);
            List<String> texts = entries.stream().map(SuppFormat.SourceEntry::sourceChunkText).toList();
            assertEquals(trace.chunks().get(7), texts.get(7));
            assertSameMatrix(ours, SuppFormat.fromJson(SuppFormat.toJson(ours, texts)));
        }
        assertEquals(3, checkPublished(TestData.sample()));
    }

    @Tag("devdata")
    @Test
    void publishedSharedFilesAreRowNormalised() throws IOException {
        List<Trace> traces = TestData.shared();
        int checked = 0;
        for (Trace t : traces) {
            if (t.stepImportanceSupp().isEmpty()) {
                continue;
            }
            double[][] m = SuppFormat.fromSourceTarget(t.stepImportanceSupp().get());
            double[] means = RowNormalisation.rowMeans(m);
            for (int j = 1; j < m.length; j++) {
                assertEquals(0.0, means[j], ZERO_MEAN_TOL, t.id() + " receiving row " + j);
            }
            checked++;
        }
        assertEquals(8, checked);
    }
}
