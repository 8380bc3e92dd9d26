package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.VariantLogits;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;
import io.thoughtanchors.worker.v1.TensorChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against the in-process fake: round trips, progress, error mapping, contract checks, leaks. */
class GrpcModelWorkerTest {

    private static final String TEXT = "abcdef"; // 7 tokens with BOS

    private final BufferAllocator serverAllocator = new RootAllocator();
    private final FakeWorker fake = new FakeWorker(serverAllocator);
    private final String name = InProcessServerBuilder.generateName();
    private Server server;
    private GrpcModelWorker worker;

    @BeforeEach
    void start() throws Exception {
        // the server runs handlers on its own threads, so a sleeping fake never blocks the client
        server = InProcessServerBuilder.forName(name).addService(fake).build().start();
        worker = connect(name, GrpcWorkerOptions.DEFAULTS);
    }

    private static GrpcModelWorker connect(String name, GrpcWorkerOptions options) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return GrpcModelWorker.over(channel, options);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            assertEquals(0, worker.allocatedBytes(), "client Arrow buffers leaked");
            worker.close();
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            serverAllocator.close();
        }
    }

    @Test
    void describeMapsEveryFieldAndIsFetchedOnce() {
        ModelInfo info = worker.describe();
        assertEquals("fake/tiny", info.modelId());
        assertEquals(FakeWorker.LAYERS, info.numLayers());
        assertEquals(FakeWorker.HEADS, info.numQueryHeads());
        assertEquals(List.of(0, 0, 1, 1), info.kvHeadOfQueryHead());
        assertEquals(FakeWorker.VOCAB, info.vocabSize());
        assertEquals(4 << 20, info.maxChunkBytes());
        assertTrue(info.syntheticWeights());
        assertTrue(info.hasCapability("logits.nucleus"));
        assertSame(info, worker.describe());
        assertEquals(1, fake.calls.get());
    }

    @Test
    void describeRejectsAnotherContractVersion() {
        fake.contractVersion = 2;
        WorkerException e = assertThrows(WorkerException.class, worker::describe);
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("contract version 2"), e.getMessage());
    }

    @Test
    void tokenizeRoundTrips() {
        Tokenization t = worker.tokenize("héllo", new int[] {0, 2, 5});
        assertEquals(6, t.size());
        assertEquals(FakeWorker.BOS, t.ids()[0]);
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 4}, t.charStarts());
        assertArrayEquals(new int[] {0, 3, 6}, t.prefixTokenCounts());
        assertEquals(List.of("<bos>", "h", "é", "l", "l", "o"), t.tokens());
    }

    @Test
    void rawAttentionArrivesLayerByLayerWithEveryValue() {
        List<AttentionMatrix> matrices = new ArrayList<>();
        List<int[]> progress = new ArrayList<>();
        worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), matrices::add,
                (done, total) -> progress.add(new int[] {done, total}));

        assertEquals(FakeWorker.LAYERS * FakeWorker.HEADS, matrices.size());
        int previousLayer = 0;
        for (AttentionMatrix m : matrices) {
            assertTrue(m.layer() >= previousLayer, "layers arrive in order");
            previousLayer = m.layer();
            assertEquals(7, m.rows());
            assertEquals(7, m.cols());
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < 7; c++) {
                    assertEquals(FakeWorker.attention(m.layer(), m.head(), r, c), m.get(r, c));
                }
            }
        }
        assertEquals(List.of("1/3", "2/3", "3/3"), progress.stream().map(p -> p[0] + "/" + p[1]).toList());
    }

    @Test
    void pooledAttentionStreamsRequestedLayersAndHeadsWithNaNForEmptyRanges() {
        List<TokenRange> ranges = List.of(new TokenRange(0, 2), new TokenRange(2, 2), new TokenRange(2, 7));
        AttentionQuery query = AttentionQuery.pooled(ModelInput.tokens(new int[] {1, 5, 6, 7, 8, 9, 10}), ranges)
                .withLayers(List.of(2, 0)).withHeads(List.of(3, 1));
        List<AttentionMatrix> matrices = new ArrayList<>();
        worker.attention(query, matrices::add, (done, total) -> assertEquals(2, total));

        assertEquals(Set.of(List.of(2, 3), List.of(2, 1), List.of(0, 3), List.of(0, 1)),
                matrices.stream().map(m -> List.of(m.layer(), m.head())).collect(Collectors.toSet()));
        assertEquals(4, matrices.size(), "each requested head once");
        for (AttentionMatrix m : matrices) {
            assertEquals(3, m.rows());
            assertEquals(3, m.cols());
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    float expected = r == 1 || c == 1 ? Float.NaN : FakeWorker.attention(m.layer(), m.head(), r, c);
                    assertEquals(expected, m.get(r, c));
                }
            }
        }
    }

    @Test
    void logitsRoundTripNucleiAndFullLogitsPerVariant() {
        List<Suppression> variants = List.of(Suppression.NONE, Suppression.allHeads(List.of(new TokenRange(3, 5))),
                new Suppression(List.of(new TokenRange(5, 6)), Map.of(1, List.of(0, 2))));
        LogitsQuery query = LogitsQuery.nucleus(ModelInput.text(TEXT), variants, NucleusSpec.REFERENCE)
                .withFullLogitsAt(List.of(-1, 4));
        List<String> progress = new ArrayList<>();
        LogitsResult result = worker.logits(query, (done, total) -> progress.add(done + "/" + total));

        assertEquals(7, result.numTokens());
        assertEquals(List.of("1/3", "2/3", "3/3"), progress);
        int[] firstPositions = {0, 3, 5};
        for (int v = 0; v < 3; v++) {
            VariantLogits variant = result.variant(v);
            int first = firstPositions[v];
            assertEquals(first, variant.firstPosition());
            assertEquals(expectedNucleus(v, first, 7), variant.nucleus().orElseThrow());
            List<Integer> shipped = IntStream.of(4, 6).filter(p -> p >= first).boxed().toList();
            assertEquals(shipped, List.copyOf(variant.fullLogits().keySet()));
            for (int p : shipped) {
                float[] row = variant.fullLogits().get(p);
                for (int t = 0; t < FakeWorker.VOCAB; t++) {
                    assertEquals(FakeWorker.fullLogit(v, p, t), row[t]);
                }
            }
        }
    }

    private static Nucleus expectedNucleus(int v, int first, int n) {
        int[] offsets = new int[n - first + 1];
        List<Integer> ids = new ArrayList<>();
        List<Float> logits = new ArrayList<>();
        float[] retained = new float[n - first];
        for (int p = first; p < n; p++) {
            for (int j = 0; j < FakeWorker.nucleusSize(v, p); j++) {
                ids.add(FakeWorker.nucleusId(v, p, j));
                logits.add(FakeWorker.nucleusLogit(v, p, j));
            }
            offsets[p - first + 1] = ids.size();
            retained[p - first] = FakeWorker.retainedMass(v, p);
        }
        float[] logitArray = new float[logits.size()];
        IntStream.range(0, logitArray.length).forEach(i -> logitArray[i] = logits.get(i));
        return new Nucleus(first, offsets, ids.stream().mapToInt(Integer::intValue).toArray(), logitArray, retained);
    }

    @ParameterizedTest
    @CsvSource({
        "INVALID_ARGUMENT, INVALID_ARGUMENT",
        "OUT_OF_RANGE, INVALID_ARGUMENT",
        "RESOURCE_EXHAUSTED, RESOURCE_EXHAUSTED",
        "UNAVAILABLE, UNAVAILABLE",
        "DEADLINE_EXCEEDED, DEADLINE_EXCEEDED",
        "CANCELLED, CANCELLED",
        "UNIMPLEMENTED, CONTRACT_MISMATCH",
        "INTERNAL, INTERNAL",
        "UNKNOWN, INTERNAL"})
    void statusCodesMapToKindsWithTheWorkersMessage(Status.Code code, Kind kind) {
        worker.describe();
        fake.failure = Status.fromCode(code).withDescription("pool_ranges[1]: start 9 > end 4\nsecond line");
        WorkerException unary = assertThrows(WorkerException.class, () -> worker.tokenize("x", new int[0]));
        WorkerException streamed = assertThrows(WorkerException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text("x")), m -> { }));
        for (WorkerException e : List.of(unary, streamed)) {
            assertEquals(kind, e.kind());
            assertTrue(e.getMessage().contains("pool_ranges[1]: start 9 > end 4 second line"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void slowWorkerHitsTheDeadline() throws Exception {
        try (GrpcModelWorker impatient = connect(name, GrpcWorkerOptions.DEFAULTS
                .withUnaryDeadline(Duration.ofMillis(100)))) {
            fake.delayMillis = 1000;
            WorkerException e = assertThrows(WorkerException.class, impatient::describe);
            assertEquals(Kind.DEADLINE_EXCEEDED, e.kind());
        }
    }

    @Test
    void anExceptionFromTheSinkCancelsTheCallOnTheWorker() throws Exception {
        IllegalStateException boom = new IllegalStateException("analysis gave up");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), m -> {
                    throw boom;
                }));
        assertSame(boom, thrown);
        assertTrue(fake.cancelled.await(5, TimeUnit.SECONDS), "worker saw the cancellation");
    }

    @Test
    void truncatedStreamIsAContractMismatch() {
        fake.tamper = chunks -> chunks.subList(0, chunks.size() - 1);
        WorkerException e = assertThrows(WorkerException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), m -> { }));
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("layers [2] incomplete"), e.getMessage());
    }

    @Test
    void repeatedRowsAreAContractMismatch() {
        fake.tamper = chunks -> List.of(chunks.get(0), chunks.get(0));
        WorkerException e = assertThrows(WorkerException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), m -> { }));
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("Attention chunk 1") && e.getMessage().contains("sent twice"),
                e.getMessage());
    }

    @Test
    void headerShapeThatDisagreesWithTheBatchIsAContractMismatch() {
        // header says 8x8 for 7 tokens, and the Arrow rows hold 7 values: both must be caught
        fake.tamper = chunks -> chunks.stream().map(c -> c.toBuilder().setRows(8).setCols(8).build()).toList();
        WorkerException e = assertThrows(WorkerException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), m -> { }));
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("matrix shape 8x8, expected 7x7"), e.getMessage());
    }

    @Test
    void logitsChunkOfTheWrongKindIsAContractMismatch() {
        fake.tamper = chunks -> chunks.stream()
                .map(c -> c.toBuilder().setKind(TensorChunk.Kind.ATTENTION_RAW).build()).toList();
        WorkerException e = assertThrows(WorkerException.class, () -> worker.logits(
                LogitsQuery.fullLogits(ModelInput.text(TEXT), List.of(Suppression.NONE), List.of(-1))));
        assertEquals(Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("ATTENTION_RAW in a Logits stream"), e.getMessage());
    }
}
