package io.thoughtanchors.worker.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.thoughtanchors.worker.v1.AttentionRequest;
import io.thoughtanchors.worker.v1.DescribeRequest;
import io.thoughtanchors.worker.v1.DescribeResponse;
import io.thoughtanchors.worker.v1.LogitsRequest;
import io.thoughtanchors.worker.v1.ModelInput;
import io.thoughtanchors.worker.v1.ModelWorkerGrpc;
import io.thoughtanchors.worker.v1.Suppression;
import io.thoughtanchors.worker.v1.TensorChunk;
import io.thoughtanchors.worker.v1.TokenRange;
import io.thoughtanchors.worker.v1.TokenizeRequest;
import io.thoughtanchors.worker.v1.TokenizeResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A worker with a tiny fake model whose every tensor value is a known function of its indices
 * (see the static methods), encoded per the proto and split into small chunks so that heads and
 * variants straddle chunk boundaries. Knobs let tests inject failures, refusals, delays, hangs and broken streams.
 */
public final class FakeWorker extends ModelWorkerGrpc.ModelWorkerImplBase {

    static final int LAYERS = 3;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int VOCAB = 50;
    static final int BOS = 1;

    final AtomicInteger calls = new AtomicInteger();
    /** When each call arrived (System.nanoTime), in order. */
    final List<Long> callTimes = new CopyOnWriteArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);
    volatile int rowsPerChunk = 3;
    /** Every call fails with this before any message. */
    volatile Status failure;
    /** The next {@code refusalsLeft} calls fail before any message with {@code refusal} and {@code refusalTrailers}. */
    final AtomicInteger refusalsLeft = new AtomicInteger();
    volatile Status refusal = Status.RESOURCE_EXHAUSTED.withDescription("worker busy: 8 calls already waiting; retry later");
    volatile Metadata refusalTrailers = new Metadata();
    volatile long delayMillis;
    /** Streaming calls are accepted and never answered, as by a hung process. */
    volatile boolean hang;
    /** Streams send this many chunks, then nothing more (the call stays open); -1 = never. */
    volatile int stallAfterChunks = -1;
    /** Streams send this many chunks, then fail with {@code midStreamFailure}; -1 = never. */
    volatile int failAfterChunks = -1;
    volatile Status midStreamFailure = Status.UNAVAILABLE.withDescription("the worker went away");
    /** Pause before each streamed chunk. */
    volatile long chunkDelayMillis;
    volatile int contractVersion = 1;
    volatile UnaryOperator<List<TensorChunk>> tamper = UnaryOperator.identity();
    private final BufferAllocator allocator;

    FakeWorker(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    // ---- the fake model: every value a function of its indices ----

    static float attention(int layer, int head, int row, int col) {
        return layer * 1000 + head * 100 + row + col / 128f;
    }

    /** Tokens per text: BOS plus one per UTF-16 unit. */
    static int tokenCount(ModelInput input) {
        return input.hasTokenIds() ? input.getTokenIds().getIdsCount() : input.getText().length() + 1;
    }

    static int nucleusSize(int variant, int position) {
        return 1 + (variant + position) % 4;
    }

    static int nucleusId(int variant, int position, int j) {
        return (position * 7 + variant * 13 + j) % VOCAB;
    }

    static float nucleusLogit(int variant, int position, int j) {
        return 10f - j - variant * 0.5f + position / 64f;
    }

    static float retainedMass(int variant, int position) {
        return 0.5f + (variant * 31 + position) % 50 / 100f;
    }

    static float fullLogit(int variant, int position, int token) {
        return variant + position / 16f + token / 4096f;
    }

    /** Prefix reuse: a suppressed variant ships from its earliest suppressed token on. */
    static int firstPosition(Suppression s, boolean fullRecompute) {
        return fullRecompute ? 0 : s.getRangesList().stream().filter(r -> r.getEnd() > r.getStart())
                .mapToInt(TokenRange::getStart).min().orElse(0);
    }

    // ---- the service ----

    @Override
    public void describe(DescribeRequest request, StreamObserver<DescribeResponse> out) {
        if (prologue(out)) {
            out.onNext(DescribeResponse.newBuilder().setModelId("fake/tiny").setArchitecture("FakeForCausalLM")
                    .setNumLayers(LAYERS).setNumQueryHeads(HEADS).setNumKvHeads(KV_HEADS)
                    .addAllKvHeadOfQueryHead(List.of(0, 0, 1, 1)).setHeadDim(8).setVocabSize(VOCAB)
                    .setBosTokenId(BOS).setDtype("float32").setAttentionImplementation("fake")
                    .addDevices("cpu").setMaxTokens(4096).setWorkerVersion("test")
                    .setContractVersion(contractVersion).addCapabilities("attention.raw")
                    .addCapabilities("logits.nucleus").setSyntheticWeights(true).setNotes("fake")
                    .setMaxChunkBytes(4 << 20).build());
            out.onCompleted();
        }
    }

    @Override
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> out) {
        if (prologue(out)) {
            String text = request.getText();
            TokenizeResponse.Builder b = TokenizeResponse.newBuilder().addIds(BOS).addCharStarts(0).addCharEnds(0)
                    .addTokens("<bos>");
            for (int i = 0; i < text.length(); i++) {
                b.addIds(text.charAt(i) % VOCAB).addCharStarts(i).addCharEnds(i + 1).addTokens(text.substring(i, i + 1));
            }
            request.getPrefixCharOffsetsList().forEach(o -> b.addPrefixTokenCounts(o == 0 ? 0 : o + 1));
            out.onNext(b.build());
            out.onCompleted();
        }
    }

    @Override
    public void attention(AttentionRequest request, StreamObserver<TensorChunk> out) {
        if (prologue(out)) {
            stream(tamper.apply(attentionChunks(request)), out);
        }
    }

    @Override
    public void logits(LogitsRequest request, StreamObserver<TensorChunk> out) {
        if (prologue(out)) {
            stream(tamper.apply(logitsChunks(request)), out);
        }
    }

    /** Counts the call, applies the delay and the injected failures; false if the call already failed. */
    private boolean prologue(StreamObserver<?> out) {
        calls.incrementAndGet();
        callTimes.add(System.nanoTime());
        sleep(delayMillis);
        if (failure != null) {
            out.onError(failure.asRuntimeException());
            return false;
        }
        if (refusalsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            out.onError(refusal.asRuntimeException(refusalTrailers));
            return false;
        }
        return true;
    }

    /** Streams {@code chunks} with the fault knobs applied: hang, a pause per chunk, a failure after some. */
    private void stream(List<TensorChunk> chunks, StreamObserver<TensorChunk> out) {
        ((ServerCallStreamObserver<TensorChunk>) out).setOnCancelHandler(cancelled::countDown);
        if (hang) {
            return;  // the call stays open until the client gives up on it
        }
        if (failAfterChunks < 0 && stallAfterChunks < 0 && chunkDelayMillis == 0) {
            send(chunks.iterator(), out, cancelled::countDown);
            return;
        }
        for (int i = 0; i < chunks.size(); i++) {
            if (i == failAfterChunks) {
                out.onError(midStreamFailure.asRuntimeException());
                return;
            }
            if (i == stallAfterChunks) {
                return;
            }
            sleep(chunkDelayMillis);
            if (((ServerCallStreamObserver<TensorChunk>) out).isCancelled()) {
                return;
            }
            out.onNext(chunks.get(i));
        }
        out.onCompleted();
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends only while the transport can take more (otherwise everything buffers in memory). */
    public static void send(Iterator<TensorChunk> chunks, StreamObserver<TensorChunk> out, Runnable onCancel) {
        ServerCallStreamObserver<TensorChunk> call = (ServerCallStreamObserver<TensorChunk>) out;
        call.setOnCancelHandler(onCancel);
        boolean[] completed = {false};
        call.setOnReadyHandler(() -> {
            while (call.isReady() && chunks.hasNext() && !call.isCancelled()) {
                call.onNext(chunks.next());
            }
            if (!chunks.hasNext() && !completed[0]) {
                completed[0] = true;
                call.onCompleted();
            }
        });
    }

    private List<TensorChunk> attentionChunks(AttentionRequest request) {
        boolean raw = request.getMode() == AttentionRequest.Mode.RAW;
        int n = tokenCount(request.getInput());
        int size = raw ? n : request.getPoolRangesCount();
        List<Integer> layers = request.getLayersCount() == 0 ? range(LAYERS) : request.getLayersList();
        List<Integer> heads = request.getHeadsCount() == 0 ? range(HEADS) : request.getHeadsList();
        List<TensorChunk> chunks = new ArrayList<>();
        for (int layer : layers) {
            List<int[]> rows = new ArrayList<>(); // {head, row}
            heads.forEach(h -> IntStream.range(0, size).forEach(r -> rows.add(new int[] {h, r})));
            for (int from = 0; from < rows.size(); from += rowsPerChunk) {
                List<int[]> part = rows.subList(from, Math.min(rows.size(), from + rowsPerChunk));
                float[] values = new float[part.size() * size];
                for (int i = 0; i < part.size(); i++) {
                    for (int c = 0; c < size; c++) {
                        boolean empty = !raw && (isEmpty(request, part.get(i)[1]) || isEmpty(request, c));
                        values[i * size + c] = empty ? Float.NaN : attention(layer, part.get(i)[0], part.get(i)[1], c);
                    }
                }
                int[] layerCol = part.stream().mapToInt(x -> layer).toArray();
                int[] headCol = part.stream().mapToInt(x -> x[0]).toArray();
                int[] rowCol = part.stream().mapToInt(x -> x[1]).toArray();
                chunks.add(TensorChunk.newBuilder()
                        .setKind(raw ? TensorChunk.Kind.ATTENTION_RAW : TensorChunk.Kind.ATTENTION_POOLED)
                        .setArrowIpc(ArrowEncoder.attention(allocator, size, layerCol, headCol, rowCol, values))
                        .setNumTokens(n).setRows(size).setCols(size).setLayer(layer)
                        .setLayersTotal(layers.size()).build());
            }
        }
        return chunks;
    }

    private static boolean isEmpty(AttentionRequest request, int range) {
        TokenRange r = request.getPoolRanges(range);
        return r.getStart() == r.getEnd();
    }

    /** Variants take turns chunk by chunk, as a batched worker might interleave them. */
    private List<TensorChunk> logitsChunks(LogitsRequest request) {
        int n = tokenCount(request.getInput());
        int total = request.getVariantsCount();
        List<List<TensorChunk>> perVariant = new ArrayList<>();
        for (int v = 0; v < total; v++) {
            int first = firstPosition(request.getVariants(v), request.getFullRecompute());
            TensorChunk header = TensorChunk.newBuilder().setNumTokens(n).setVariant(v).setVariantsTotal(total)
                    .setFirstPosition(first).build();
            List<TensorChunk> chunks = new ArrayList<>();
            if (request.hasNucleus()) {
                for (int from = first; from < n; from += rowsPerChunk) {
                    chunks.add(header.toBuilder().setKind(TensorChunk.Kind.NUCLEUS)
                            .setArrowIpc(nucleusIpc(v, from, Math.min(n, from + rowsPerChunk))).build());
                }
            }
            int variant = v;
            int[] positions = request.getFullLogitPositionsList().stream().mapToInt(p -> p < 0 ? n + p : p)
                    .filter(p -> p >= first).distinct().toArray();
            if (positions.length > 0) {
                float[] values = new float[positions.length * VOCAB];
                for (int i = 0; i < positions.length; i++) {
                    for (int t = 0; t < VOCAB; t++) {
                        values[i * VOCAB + t] = fullLogit(v, positions[i], t);
                    }
                }
                int[] variantCol = IntStream.of(positions).map(p -> variant).toArray();
                chunks.add(header.toBuilder().setKind(TensorChunk.Kind.FULL_LOGITS)
                        .setArrowIpc(ArrowEncoder.fullLogits(allocator, VOCAB, variantCol, positions, values)).build());
            }
            perVariant.add(chunks);
        }
        List<TensorChunk> interleaved = new ArrayList<>();
        while (perVariant.stream().anyMatch(c -> !c.isEmpty())) {
            for (List<TensorChunk> c : perVariant) {
                if (!c.isEmpty()) {
                    interleaved.add(c.remove(0));
                }
            }
        }
        return interleaved;
    }

    private ByteString nucleusIpc(int v, int from, int to) {
        int rows = to - from;
        int[] variant = new int[rows];
        int[] position = new int[rows];
        float[] retained = new float[rows];
        int[][] ids = new int[rows][];
        float[][] logits = new float[rows][];
        for (int i = 0; i < rows; i++) {
            int p = from + i;
            variant[i] = v;
            position[i] = p;
            retained[i] = retainedMass(v, p);
            ids[i] = IntStream.range(0, nucleusSize(v, p)).map(j -> nucleusId(v, p, j)).toArray();
            logits[i] = new float[ids[i].length];
            for (int j = 0; j < ids[i].length; j++) {
                logits[i][j] = nucleusLogit(v, p, j);
            }
        }
        return ArrowEncoder.nucleus(allocator, variant, position, retained, ids, logits);
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }
}
