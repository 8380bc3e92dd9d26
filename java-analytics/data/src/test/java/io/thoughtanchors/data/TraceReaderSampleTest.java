package io.thoughtanchors.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the committed 7-trace sample (web layout, always present in the repository). */
class TraceReaderSampleTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample");

    @Test
    void readsSampleTreeInDeterministicOrder() {
        TraceSet set = TestSplit.read(SAMPLE);
        assertEquals(List.of(
                "deepseek-r1-distill-llama-8b/correct/6998",
                "deepseek-r1-distill-llama-8b/incorrect/330",
                "deepseek-r1-distill-llama-8b/incorrect/2189",
                "deepseek-r1-distill-llama-8b/incorrect/2236",
                "deepseek-r1-distill-qwen-14b/correct/2236",
                "deepseek-r1-distill-qwen-14b/correct/2238",
                "deepseek-r1-distill-qwen-14b/correct/3448"),
                set.traces().stream().map(Trace::id).toList());
        assertEquals(List.of(6998, 330, 2189, 2236, 2236, 2238, 3448),
                set.traces().stream().map(t -> t.source().problemNumber()).toList());
        assertEquals(List.of(), set.warnings());
        assertTrue(set.traces().stream().allMatch(t -> t.layout() == DataLayout.WEB));
    }

    @Test
    void problem2238MatchesPublishedFacts() {
        Trace t = TestSplit.one(SAMPLE.resolve("deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238"));
        PublishedFolder source = (PublishedFolder) t.source();
        assertEquals(60, t.numChunks());
        assertEquals("deepseek-r1-distill-qwen-14b", source.model());
        assertFalse(source.sampling().isPresent());
        assertEquals("Binomial expansion", source.problem().nickname().orElseThrow());
        assertEquals("120", source.problem().gtAnswer());
        assertTrue(source.baseSolution().isCorrect());
        assertEquals(source.baseSolution().fullCot(), t.text().modelText());
        assertEquals(source.baseSolution().prompt().length(), t.text().cotStart());
        assertTrue(t.text().afterCot().startsWith("</think>"), "the text after the chain of thought");
        assertFalse(t.text().cot().contains("</think>"));
        ChunkLabel c0 = t.label(0).orElseThrow();
        assertEquals(List.of("problem_setup"), c0.functionTags());
        assertEquals("problem_setup", t.category(0).orElseThrow());
        ChunkImportance i0 = t.importance(0).orElseThrow();
        assertEquals(0.71, i0.accuracy(), 0);
        assertEquals(-0.02, i0.forcedImportanceAccuracy(), 0);
        assertEquals(List.of(50), t.label(51).orElseThrow().dependsOn());
        assertTrue(t.label(60).isEmpty(), "no chunk 60");
        Summary summary = t.summary().orElseThrow();
        assertEquals(2238, summary.problemIdx());
        assertEquals(51, summary.topInfluentialSteps().get(0).stepIdx());
        assertEquals(0.3675, summary.topInfluentialSteps().get(0).avgImportance(), 1e-15);
        double[][] c = t.stepImportance().orElseThrow();
        assertEquals(60, c.length);
        assertEquals(-0.2, c[0][1], 0);
        assertEquals(0.0, c[1][0], 0);
    }

    @Test
    void everySampleTraceIsConsistent() {
        for (Trace t : TestSplit.traces(SAMPLE)) {
            PublishedFolder source = (PublishedFolder) t.source();
            int n = t.numChunks();
            assertEquals(n, t.summary().orElseThrow().numChunks(), t.id());
            assertEquals(source.baseSolution().fullCot(), t.text().modelText(), t.id());
            assertTrue(t.labels().isPresent() && t.importance().isPresent(), t.id());
            double[][] c = t.stepImportance().orElseThrow();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    assertEquals(0.0, c[i][j], 0, t.id());
                }
            }
            // Supplementary (suppression) matrices exist only for Qwen-14B correct traces.
            assertEquals(source.model().contains("qwen") && source.solution().type() == SolutionType.CORRECT,
                    t.stepImportanceSupp().isPresent(), t.id());
            assertTrue(source.resamples().isEmpty(), "the web layout has no rollouts");
        }
    }

    @Test
    void suppMatrixIsColumnCentredWithNaNOnAndBelowDiagonal() {
        Trace t = TestSplit.one(SAMPLE.resolve("deepseek-r1-distill-qwen-14b/correct_base_solution/problem_3448"));
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
        assertEquals(4, TestSplit.traces(model).size());
        List<Trace> incorrect = TestSplit.traces(model.resolve("incorrect_base_solution"));
        assertEquals(List.of(330, 2189, 2236), incorrect.stream()
                .map(t -> ((PublishedFolder) t.source()).problemId()).toList());
        Trace one = TestSplit.one(model.resolve("correct_base_solution/problem_6998"));
        assertEquals("deepseek-r1-distill-llama-8b/correct/6998", one.id());
        assertFalse(one.stepImportanceSupp().isPresent());
    }
}
