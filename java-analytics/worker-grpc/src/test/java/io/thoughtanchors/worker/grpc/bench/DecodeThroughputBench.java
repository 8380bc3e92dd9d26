package io.thoughtanchors.worker.grpc.bench;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.grpc.ArrowEncoder;
import io.thoughtanchors.worker.grpc.FakeWorker;
import io.thoughtanchors.worker.grpc.GrpcModelWorker;
import io.thoughtanchors.worker.v1.AttentionRequest;
import io.thoughtanchors.worker.v1.DescribeRequest;
import io.thoughtanchors.worker.v1.DescribeResponse;
import io.thoughtanchors.worker.v1.ModelWorkerGrpc;
import io.thoughtanchors.worker.v1.TensorChunk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Streams 256 MiB of float32 attention rows (16 layers x 4 heads x 1024 x 1024, ~1 MiB chunks)
 * from a Netty loopback server through {@link GrpcModelWorker} and prints decode throughput.
 * The chunks are encoded once up front, so the timed part is transport plus client decoding.
 * Run with {@code --add-opens=java.base/java.nio=ALL-UNNAMED} and the test classpath.
 */
public final class DecodeThroughputBench {

    private static final int LAYERS = 16;
    private static final int HEADS = 4;
    private static final int N = 1024;
    private static final int ROWS_PER_CHUNK = 256;
    private static final int REPS = 6;

    public static void main(String[] args) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            List<TensorChunk> chunks = encode(allocator);
            long ipcBytes = chunks.stream().mapToLong(c -> c.getArrowIpc().size()).sum();
            long payloadBytes = (long) LAYERS * HEADS * N * N * Float.BYTES;
            Server server = NettyServerBuilder.forPort(0).addService(new Service(chunks)).build().start();
            try (GrpcModelWorker worker = GrpcModelWorker.connect("127.0.0.1:" + server.getPort())) {
                System.out.printf("payload %.1f MB float32, %.1f MB Arrow IPC in %d chunks%n",
                        payloadBytes / 1e6, ipcBytes / 1e6, chunks.size());
                for (int rep = 1; rep <= REPS; rep++) {
                    double[] checksum = {0};
                    long start = System.nanoTime();
                    worker.attention(AttentionQuery.raw(ModelInput.tokens(new int[N])),
                            m -> checksum[0] += m.values()[m.values().length - 1]);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("rep %d: %.3f s, %.0f MB/s payload, %.0f MB/s IPC (checksum %.0f)%n",
                            rep, seconds, payloadBytes / 1e6 / seconds, ipcBytes / 1e6 / seconds, checksum[0]);
                }
            } finally {
                server.shutdownNow();
            }
        }
    }

    private static List<TensorChunk> encode(BufferAllocator allocator) {
        float[] values = new float[ROWS_PER_CHUNK * N];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 1000 / 1000f;
        }
        List<TensorChunk> chunks = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int head = 0; head < HEADS; head++) {
                for (int from = 0; from < N; from += ROWS_PER_CHUNK) {
                    int l = layer;
                    int h = head;
                    int[] rows = IntStream.range(from, from + ROWS_PER_CHUNK).toArray();
                    chunks.add(TensorChunk.newBuilder().setKind(TensorChunk.Kind.ATTENTION_RAW)
                            .setArrowIpc(ArrowEncoder.attention(allocator, N, IntStream.of(rows).map(r -> l).toArray(),
                                    IntStream.of(rows).map(r -> h).toArray(), rows, values))
                            .setNumTokens(N).setRows(N).setCols(N).setLayer(layer).setLayersTotal(LAYERS).build());
                }
            }
        }
        return Collections.unmodifiableList(chunks);
    }

    /** Describe plus Attention replaying the pre-encoded chunks with flow control. */
    private static final class Service extends ModelWorkerGrpc.ModelWorkerImplBase {
        private final List<TensorChunk> chunks;

        Service(List<TensorChunk> chunks) {
            this.chunks = chunks;
        }

        @Override
        public void describe(DescribeRequest request, StreamObserver<DescribeResponse> out) {
            out.onNext(DescribeResponse.newBuilder().setModelId("bench").setNumLayers(LAYERS).setNumQueryHeads(HEADS)
                    .setNumKvHeads(HEADS).addAllKvHeadOfQueryHead(List.of(0, 1, 2, 3)).setVocabSize(1000)
                    .setMaxTokens(N).setContractVersion(1).setMaxChunkBytes(4 << 20).build());
            out.onCompleted();
        }

        @Override
        public void attention(AttentionRequest request, StreamObserver<TensorChunk> out) {
            FakeWorker.send(chunks.iterator(), out, () -> { });
        }
    }
}
