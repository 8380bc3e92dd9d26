package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.taxonomy.Categories;
import io.thoughtanchors.data.Trace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end on synthetic pooled attention for the sample traces, with one planted receiver head. */
class ReceiverHeadAnalysisTest {
    static final int LAYERS = 3;
    static final int HEADS = 4;
    static final Head PLANTED = new Head(2, 1);

    /** Random causal attention; the planted head attends strongly to every 17th sentence. */
    static PooledAttention synthetic(int n, int layers, int heads, Head planted, long seed) {
        Random rnd = new Random(seed);
        float[] data = new float[layers * heads * n * n];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = s;
        }
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                int off = (l * heads + h) * n * n;
                boolean spiky = planted != null && l == planted.layer() && h == planted.head();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) {
                        float v = (float) (rnd.nextDouble() / (i + 1));
                        data[off + i * n + j] = spiky ? (j % 17 == 3 ? 0.5f + v : 0.01f * v) : v;
                    }
                }
            }
        }
        return new PooledAttention(layers, heads, io.thoughtanchors.analysis.attention.RegionLayout.SENTENCES, labels, data);
    }

    static List<ReceiverHeadAnalysis.TraceInput> inputs(List<Trace> traces) {
        List<ReceiverHeadAnalysis.TraceInput> in = new ArrayList<>();
        for (int r = 0; r < traces.size(); r++) {
            Trace t = traces.get(r);
            long seed = r;
            in.add(new ReceiverHeadAnalysis.TraceInput(t, () -> synthetic(t.numChunks() - 1, LAYERS, HEADS, PLANTED, seed)));
        }
        return in;
    }

    @Test
    void findsThePlantedHeadAndScoresSentencesWithIt() {
        List<Trace> traces = TestData.sample();
        AnalysisOptions opts = Profile.REF_HEAD.options().withTopK(1);
        ReceiverHeadResult res = new ReceiverHeadAnalysis(opts, 2).run(inputs(traces));

        assertEquals(List.of(PLANTED), res.ranking().topHeads());
        assertEquals(traces.stream().map(Trace::id).toList(), res.traceIds());
        // ρ equals the planted head's vertical scores when k = 1
        PooledAttention att0 = synthetic(traces.get(0).numChunks() - 1, LAYERS, HEADS, PLANTED, 0);
        double[] v = new VerticalScores(opts.receiverScores()).compute(att0, PLANTED.layer(), PLANTED.head());
        assertArrayEquals(v, res.receiverScores().get(0), 0);
        assertEquals(traces.get(0).numChunks() - 1, res.receiverScores().get(0).length);
        assertTrue(Double.isNaN(res.receiverScores().get(0)[v.length - 1])); // last k sentences have no receivers

        assertEquals(30, res.categories().orElseThrow().tests().size());
        assertEquals(Categories.FIGURE_ORDER, res.categories().orElseThrow().categories());
        assertEquals(7, res.counterfactual().orElseThrow().traceIds().size());
        assertEquals(7, res.resampling().orElseThrow().traceIds().size());
        assertTrue(res.reliabilityAlternating().orElseThrow().pearson().n() > 0);
        ReliabilityResult byProblem = res.reliabilityByProblem().orElseThrow();
        assertEquals(traces.size(), byProblem.tracesFirst() + byProblem.tracesSecond());
        assertEquals(Map.of(), res.notComputed());
        assertTrue(res.warnings().isEmpty(), res.warnings().toString());
    }

    @Test
    void topKLargerThanFiniteHeadsIsReducedWithAWarning() {
        AnalysisOptions opts = Profile.RECOMMENDED.options().withTopK(LAYERS * HEADS);
        ReceiverHeadResult res = new ReceiverHeadAnalysis(opts, 1).run(inputs(TestData.sample().subList(0, 2)));
        assertEquals((LAYERS - 1) * HEADS, res.ranking().topHeads().size()); // layer 0 excluded
        assertTrue(res.warnings().get(0).contains("top-k reduced"));
        assertEquals(PLANTED, res.ranking().topHeads().get(0));
    }

    @Test
    void paperProfileRunsOnPaperRegions() {
        List<Trace> traces = TestData.sample().subList(4, 7);
        List<ReceiverHeadAnalysis.TraceInput> in = new ArrayList<>();
        for (Trace t : traces) {
            int n = t.numChunks();
            PooledAttention s = synthetic(n + 2, LAYERS, HEADS, PLANTED, n);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i;
            }
            in.add(new ReceiverHeadAnalysis.TraceInput(t, () -> PoolingConvention.PAPER_REGIONS.wrap(LAYERS, HEADS, labels, s.data())));
        }
        AnalysisOptions opts = Profile.REF_PAPER.options().withTopK(1);
        ReceiverHeadResult res = new ReceiverHeadAnalysis(opts, 2).run(in);
        assertEquals(List.of(PLANTED), res.ranking().topHeads());
        double[] rho = res.receiverScores().get(0);
        assertEquals(traces.get(0).numChunks(), rho.length);
        for (int j = rho.length - 8; j < rho.length; j++) {
            assertTrue(Double.isNaN(rho[j]), "paper blanks the last 8 sentences");
        }
        assertEquals(LayerZero.EXCLUDE, opts.layerZero());
    }

    /** The 14B shape (20 traces × 48 × 40 heads, n = 150); its speed is measured by bench.AnalysisBench. */
    @Test
    void twentyTracesOf1920HeadsFindThePlantedReceiverHead() {
        ReceiverHeadResult res = new ReceiverHeadAnalysis(Profile.REF_HEAD.options(), 2).run(fourteenBShape());
        assertEquals(new Head(36, 6), res.ranking().topHeads().get(0));
        assertEquals(20, res.ranking().topHeads().size());
    }

    static List<ReceiverHeadAnalysis.TraceInput> fourteenBShape() {
        int n = 150;
        int layers = 48;
        int heads = 40;
        PooledAttention a = synthetic(n, layers, heads, new Head(36, 6), 1);
        PooledAttention b = synthetic(n, layers, heads, new Head(36, 6), 2);
        List<Trace> sample = TestData.sample();
        int[] labels = new int[n];
        List<ReceiverHeadAnalysis.TraceInput> in = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            Trace t = sample.get(r % sample.size());
            for (int s = 0; s < n; s++) {
                labels[s] = s < t.numChunks() ? s : -1;
            }
            PooledAttention att = new PooledAttention(layers, heads, a.layout(), labels.clone(), (r % 2 == 0 ? a : b).data());
            in.add(new ReceiverHeadAnalysis.TraceInput(t, () -> att));
        }
        return in;
    }
}
