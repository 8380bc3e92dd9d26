package io.thoughtanchors.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.report.HeadView;
import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Pipeline.headView} against an in-process worker that answers RAW attention: what it asks, what it refuses. */
class HeadViewTest {

    private static final String TEXT = "Two plus two is four. So the answer is 4.";

    @TempDir
    Path tmp;

    @Test
    void asksForExactlyTheNamedHeadsLayersSharingHeadsInOneCall() throws IOException {
        RawWorker fake = new RawWorker(4, 3);
        List<Head> heads = List.of(new Head(2, 2), new Head(1, 0), new Head(3, 1), new Head(1, 2), new Head(2, 0));
        HeadViewResult r = pipeline(fake).headView(HeadViewRequest.of(TEXT, heads, tmp.resolve("v/page.html"))
                .withWorker(WorkerTarget.remote("fake:1")));

        assertEquals(List.of(List.of(1, 2), List.of(3)), fake.queries.stream().map(AttentionQuery::layers).toList());
        assertEquals(List.of(List.of(0, 2), List.of(1)), fake.queries.stream().map(AttentionQuery::heads).toList());
        int n = TEXT.split(" ").length + 1;
        for (AttentionQuery q : fake.queries) {
            assertEquals(AttentionQuery.Mode.RAW, q.mode());
            assertEquals(n, ((ModelInput.Tokens) q.input()).length(), "the tokens Tokenize gave, BOS included");
        }
        assertEquals(n, r.view().size());
        assertEquals(heads, r.view().heads().stream().map(m -> new Head(m.layer(), m.head())).toList(),
                "the page keeps the request's order");
        for (HeadView.HeadMatrix m : r.view().heads()) {
            assertArrayEquals(RawWorker.rows(m.layer(), m.head(), n), m.weights(), m.label());
        }
        String page = Files.readString(r.file());
        assertTrue(page.contains("<h2>Layer 3, head 1</h2>"));
        try (Stream<Path> files = Files.list(r.file().getParent())) {
            assertEquals(List.of(r.file()), files.toList(), "no temporary file left");
        }
    }

    @Test
    void aTooLongTextIsRefusedAfterTokenizeBeforeAnyAttention() {
        RawWorker fake = new RawWorker(2, 2);
        String text = "w ".repeat(HeadView.MAX_TOKENS).strip();
        Path out = tmp.resolve("long/page.html");
        PipelineException e = assertThrows(PipelineException.class, () -> pipeline(fake).headView(
                HeadViewRequest.of(text, List.of(new Head(0, 0)), out).withWorker(WorkerTarget.remote("fake:1"))));
        assertEquals(PipelineException.Kind.BAD_INPUT, e.kind());
        assertEquals(HeadView.tooLong(HeadView.MAX_TOKENS + 1), e.getMessage());
        assertEquals(1, fake.tokenizeCalls);
        assertEquals(0, fake.attentionCalls, "no attention pass");
        assertFalse(Files.exists(out.getParent()), "nothing written");
    }

    @Test
    void anExistingPageOrAMissingHeadIsRefusedBeforeAnyForwardPass() throws IOException {
        RawWorker fake = new RawWorker(2, 2);
        Path out = Files.writeString(tmp.resolve("page.html"), "mine");
        PipelineException exists = assertThrows(PipelineException.class, () -> pipeline(fake).headView(
                HeadViewRequest.of(TEXT, List.of(new Head(0, 0)), out).withWorker(WorkerTarget.remote("fake:1"))));
        assertEquals(PipelineException.Kind.OUTPUT, exists.kind());
        assertEquals("mine", Files.readString(out));

        PipelineException missing = assertThrows(PipelineException.class, () -> pipeline(fake).headView(
                HeadViewRequest.of(TEXT, List.of(new Head(0, 1), new Head(2, 0)), tmp.resolve("other.html"))
                        .withWorker(WorkerTarget.remote("fake:1"))));
        assertEquals(PipelineException.Kind.INVALID_REQUEST, missing.kind());
        assertTrue(missing.getMessage().contains("no head L2H0"), missing.getMessage());
        assertEquals(0, fake.tokenizeCalls + fake.attentionCalls);

        assertThrows(PipelineException.class, () -> HeadViewRequest.of(TEXT, List.of(new Head(0, 0),
                new Head(0, 0)), out));
        PipelineException noWorker = assertThrows(PipelineException.class, () -> pipeline(fake).headView(
                HeadViewRequest.of(TEXT, List.of(new Head(0, 0)), tmp.resolve("x.html"))));
        assertEquals(PipelineException.Kind.INVALID_REQUEST, noWorker.kind());
    }

    private static Pipeline pipeline(RawWorker fake) {
        return Pipeline.create().withConnector(target -> fake);
    }

    /** The fake worker (whitespace-led words after a BOS) answering RAW attention: seeded causal softmax rows. */
    private static final class RawWorker extends FakeModelWorker {
        final List<AttentionQuery> queries = new ArrayList<>();

        RawWorker(int layers, int heads) {
            super(layers, heads);
        }

        @Override
        public ModelInfo describe() {
            ModelInfo d = super.describe();
            TreeSet<String> capabilities = new TreeSet<>(d.capabilities());
            capabilities.add(HeadViewRun.RAW_ATTENTION);
            return new ModelInfo(d.modelId(), d.architecture(), d.numLayers(), d.numQueryHeads(), d.numKvHeads(),
                    d.kvHeadOfQueryHead(), d.headDim(), d.vocabSize(), d.bosTokenId(), d.dtype(),
                    d.attentionImplementation(), d.devices(), d.maxTokens(), d.workerVersion(), d.contractVersion(),
                    capabilities, d.syntheticWeights(), d.notes(), d.maxChunkBytes());
        }

        @Override
        public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
            attentionCalls++;
            queries.add(query);
            int n = ((ModelInput.Tokens) query.input()).length();
            for (int layer : query.layers()) {
                for (int head : query.heads()) {
                    sink.accept(new AttentionMatrix(layer, head, n, n, rows(layer, head, n)));
                }
            }
        }

        /** Row q: a seeded softmax over keys 0..q, zeros after. */
        static float[] rows(int layer, int head, int n) {
            SplittableRandom random = new SplittableRandom(layer * 131L + head);
            float[] w = new float[n * n];
            for (int q = 0; q < n; q++) {
                double[] e = random.doubles(q + 1).map(x -> Math.exp(4 * x)).toArray();
                double sum = Arrays.stream(e).sum();
                for (int k = 0; k <= q; k++) {
                    w[q * n + k] = (float) (e[k] / sum);
                }
            }
            return w;
        }
    }
}
