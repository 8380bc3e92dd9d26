package io.thoughtanchors.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the committed 7-trace sample (always present in the repository). */
class TraceReaderSampleTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample");

    @Test
    void readsSampleTreeInDeterministicOrder() {
        List<Trace> traces = TraceReader.readTree(SAMPLE);
        assertEquals(List.of(
                "deepseek-r1-distill-llama-8b/correct/6998",
                "deepseek-r1-distill-llama-8b/incorrect/330",
                "deepseek-r1-distill-llama-8b/incorrect/2189",
                "deepseek-r1-distill-llama-8b/incorrect/2236",
                "deepseek-r1-distill-qwen-14b/correct/2236",
                "deepseek-r1-distill-qwen-14b/correct/2238",
                "deepseek-r1-distill-qwen-14b/correct/3448"),
                traces.stream().map(Trace::id).toList());
        assertEquals(List.of(699801, 33000, 218900, 223600, 223601, 223801, 344801),
                traces.stream().map(Trace::pnCi).toList());
    }

    @Test
    void problem2238MatchesPublishedFacts() {
        Trace t = TraceReader.readTrace(SAMPLE.resolve("deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"));
        assertEquals(60, t.numLabeled());
        assertEquals("Binomial expansion", t.problem().nickname());
        assertEquals("120", t.problem().gtAnswer());
        assertTrue(t.baseSolution().isCorrect());
        assertEquals(t.baseSolution().prompt() + t.baseSolution().solution(), t.baseSolution().fullCot());
        LabeledChunk c0 = t.chunks().get(0);
        assertEquals(List.of("problem_setup"), c0.functionTags());
        assertEquals(0.71, c0.accuracy(), 0);
        assertEquals(-0.02, c0.forcedImportanceAccuracy(), 0);
        assertEquals(List.of(50), t.chunks().get(51).dependsOn());
        assertEquals(2238, t.summary().problemIdx());
        assertEquals(51, t.summary().topInfluentialSteps().get(0).stepIdx());
        assertEquals(0.3675, t.summary().topInfluentialSteps().get(0).avgImportance(), 1e-15);
        double[][] c = t.stepImportance().orElseThrow();
        assertEquals(60, c.length);
        assertEquals(-0.2, c[0][1], 0);
        assertEquals(0.0, c[1][0], 0);
    }

    @Test
    void everySampleTraceIsConsistent() {
        for (Trace t : TraceReader.readTree(SAMPLE)) {
            int n = t.numLabeled();
            assertEquals(n, t.summary().numChunks(), t.id());
            assertEquals(t.baseSolution().prompt() + t.baseSolution().solution(), t.baseSolution().fullCot(), t.id());
            double[][] c = t.stepImportance().orElseThrow();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    assertEquals(0.0, c[i][j], 0, t.id());
                }
            }
            // Supplementary (suppression) matrices exist only for Qwen-14B correct traces.
            assertEquals(t.modelDir().contains("qwen") && t.solutionType() == SolutionType.CORRECT,
                    t.stepImportanceSupp().isPresent(), t.id());
        }
    }

    @Test
    void suppMatrixIsColumnCentredWithNaNOnAndBelowDiagonal() {
        Trace t = TraceReader.readTrace(SAMPLE.resolve("deepseek-r1-distill-qwen-14b/correct_base_solution/problem_3448"));
        double[][] s = t.stepImportanceSupp().orElseThrow();
        int n = s.length;
        for (int j = 1; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                if (i >= j) {
                    assertTrue(Double.isNaN(s[i][j]));
                } else {
                    sum += s[i][j];
                }
            }
            assertEquals(0.0, sum / j, 1e-12, "target " + j);
        }
    }

    @Test
    void subtreesReadTheSameTraces() {
        Path model = SAMPLE.resolve("deepseek-r1-distill-llama-8b");
        assertEquals(4, TraceReader.readTree(model).size());
        List<Trace> incorrect = TraceReader.readTree(model.resolve("incorrect_base_solution"));
        assertEquals(List.of(330, 2189, 2236), incorrect.stream().map(Trace::problemId).toList());
        List<Trace> one = TraceReader.readTree(model.resolve("correct_base_solution/problem_6998"));
        assertEquals(1, one.size());
        assertEquals("deepseek-r1-distill-llama-8b/correct/6998", one.get(0).id());
        assertFalse(one.get(0).stepImportanceSupp().isPresent());
        assertTrue(Files.isDirectory(SAMPLE));
    }
}
