package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.data.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Traces without categories, importance or company: the parts that need them are absent, each with its reason. */
class AbsentDataTest {

    @TempDir
    Path tmp;

    /** A chain of thought of {@code n} sentences. */
    static String cot(int n, int seed) {
        return IntStream.range(0, n).mapToObj(i -> "Step " + i + " of attempt " + seed + " adds " + (i * 7 % 11) + ".")
                .collect(Collectors.joining(" "));
    }

    private List<Trace> ownTraces(String... lines) throws IOException {
        return TestData.read(Files.writeString(tmp.resolve("traces.jsonl"), String.join("\n", lines)));
    }

    private static ReceiverHeadResult analyse(List<Trace> traces, AnalysisOptions options) {
        List<ReceiverHeadAnalysis.TraceInput> in = new ArrayList<>();
        for (int r = 0; r < traces.size(); r++) {
            Trace t = traces.get(r);
            long seed = r;
            in.add(new ReceiverHeadAnalysis.TraceInput(t, () -> ReceiverHeadAnalysisTest.synthetic(t.numChunks(),
                    ReceiverHeadAnalysisTest.LAYERS, ReceiverHeadAnalysisTest.HEADS, ReceiverHeadAnalysisTest.PLANTED,
                    seed)));
        }
        return new ReceiverHeadAnalysis(options, 1).run(in);
    }

    @Test
    void unlabelledTracesHaveReceiverHeadsAndReasonsForEverythingElse() throws IOException {
        List<Trace> traces = ownTraces("{\"problem\": \"p\", \"cot\": \"" + cot(30, 1) + "\"}",
                "{\"problem\": \"p\", \"cot\": \"" + cot(25, 2) + "\"}");
        ReceiverHeadResult r = analyse(traces, Profile.RECOMMENDED.options());

        assertFalse(r.ranking().topHeads().isEmpty());
        assertEquals(ReceiverHeadAnalysisTest.PLANTED, r.ranking().topHeads().get(0));
        assertTrue(r.reliabilityAlternating().isPresent(), "two traces split in two");
        assertTrue(r.categories().isEmpty() && r.counterfactual().isEmpty() && r.resampling().isEmpty());
        assertEquals(List.of(AnalysisPart.RELIABILITY_BY_PROBLEM, AnalysisPart.CATEGORIES, AnalysisPart.COUNTERFACTUAL,
                AnalysisPart.RESAMPLING), List.copyOf(r.notComputed().keySet()));
        assertEquals("it splits the traces by problem and needs traces of at least two problems; the 2 traces of this"
                + " run are of one problem", r.notComputed(AnalysisPart.RELIABILITY_BY_PROBLEM).orElseThrow());
        assertTrue(r.notComputed(AnalysisPart.CATEGORIES).orElseThrow().startsWith("no trace has sentence categories"));
        assertTrue(r.notComputed(AnalysisPart.COUNTERFACTUAL).orElseThrow()
                .startsWith("no trace has counterfactual importance"));
        assertTrue(r.notComputed(AnalysisPart.RESAMPLING).orElseThrow().startsWith("no trace has a step_importance.json"));
    }

    @Test
    void oneTraceHasNoHalvesToSplit() throws IOException {
        ReceiverHeadResult r = analyse(ownTraces("{\"cot\": \"" + cot(20, 1) + "\"}"), Profile.RECOMMENDED.options());
        assertEquals("it splits the traces in two and needs at least two; this run has 1",
                r.notComputed(AnalysisPart.RELIABILITY_ALTERNATING).orElseThrow());
        assertEquals("it splits the traces by problem and needs traces of at least two problems; this run has 1 trace",
                r.notComputed(AnalysisPart.RELIABILITY_BY_PROBLEM).orElseThrow());
    }

    @Test
    void labelledAndImportantTracesAreUsedAndTheOthersNamed() throws IOException {
        String labelled = cot(24, 3);
        List<String> sentences = io.thoughtanchors.analysis.text.SentenceSplitter.sentences(labelled);
        String labels = IntStream.range(0, sentences.size()).mapToObj(i -> "{\"sentence_index\": " + i + ", \"text\": \""
                + sentences.get(i) + "\", \"function_tags\": [\"" + (i % 2 == 0 ? "plan_generation" : "active_computation")
                + "\"]}").collect(Collectors.joining(", "));
        String importance = IntStream.range(0, sentences.size()).mapToObj(i -> "{\"sentence_index\": " + i
                + ", \"counterfactual_importance_accuracy\": " + (i % 5) / 10.0 + "}").collect(Collectors.joining(", "));
        List<Trace> traces = ownTraces("{\"id\": \"plain\", \"cot\": \"" + cot(30, 1) + "\"}",
                "{\"id\": \"labelled\", \"cot\": \"" + labelled + "\", \"labels\": [" + labels + "], \"importance\": ["
                        + importance + "]}");
        ReceiverHeadResult r = analyse(traces, Profile.RECOMMENDED.options());

        assertEquals(List.of("plain", "labelled"), r.traceIds());
        assertEquals(List.of(1), List.copyOf(r.categories().orElseThrow().perTrace().get("plan_generation").keySet()),
                "category values are keyed by the trace's position");
        assertEquals(List.of("labelled"), r.counterfactual().orElseThrow().traceIds());
        assertTrue(r.warnings().contains("1 of 2 traces have no sentence categories and are left out of the category"
                + " tests: plain"), r.warnings().toString());
        assertTrue(r.warnings().contains("1 of 2 traces have no counterfactual importance and are left out of its"
                + " comparison: plain"), r.warnings().toString());
        assertTrue(Double.isFinite(r.counterfactual().get().spearmanVsAbsCf().get(0).r()));
    }

    @Test
    void theMinimumSentenceCountIsExactlyWhereKurtosisBecomesDefined() {
        for (Profile profile : Profile.values()) {
            AnalysisOptions options = profile.options();
            int minimum = ReceiverHeadAnalysis.minimumSentences(options);
            assertTrue(finiteKurtosis(options, minimum), profile + " at " + minimum);
            assertFalse(finiteKurtosis(options, minimum - 1), profile + " at " + (minimum - 1));
        }
        assertEquals(7, ReceiverHeadAnalysis.minimumSentences(Profile.RECOMMENDED.options()), "k = 4, then 3 scores");
        assertEquals(11, ReceiverHeadAnalysis.minimumSentences(Profile.REF_PAPER.options()), "and 4 dropped at each end");
        assertEquals(27, ReceiverHeadAnalysis.minimumSentences(Profile.RECOMMENDED.options()
                .withKurtosisScores(Profile.RECOMMENDED.options().kurtosisScores().withProximityIgnore(20))
                .withKurtosisMinFinite(7)));
        assertEquals("a sentence's vertical score averages the attention it receives from sentences at least 4 later"
                + " (proximity ignore 4), the first and last 4 scores are blanked (drop ends 4), and a head's kurtosis"
                + " needs 3 scored sentences", ReceiverHeadAnalysis.minimumReason(Profile.REF_PAPER.options()));
    }

    /** Whether any head of random attention over n sentences has a finite kurtosis, computed the analysis' way. */
    private static boolean finiteKurtosis(AnalysisOptions options, int n) {
        int m = n + options.pooling().layout().extraRegions();
        PooledAttention raw = ReceiverHeadAnalysisTest.synthetic(m, 2, 2, null, 5);
        int[] labels = IntStream.range(0, n).toArray();
        PooledAttention att = options.pooling().wrap(2, 2, labels, raw.data());
        double[] scores = new io.thoughtanchors.analysis.attention.VerticalScores(options.kurtosisScores())
                .compute(att, 1, 1);
        return Double.isFinite(io.thoughtanchors.analysis.stats.Kurtosis.excess(scores, options.kurtosisMinFinite()))
                && Arrays.stream(scores).filter(Double::isFinite).count() >= ReceiverHeadAnalysis.MIN_SCORED_SENTENCES;
    }
}
