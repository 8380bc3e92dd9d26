package io.thoughtanchors.worker.grpc;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.v1.DescribeRequest;
import io.thoughtanchors.worker.v1.ModelWorkerGrpc;
import io.thoughtanchors.worker.v1.TokenizeRequest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@link ModelWorker} over gRPC, tensors as Arrow IPC chunks. With several addresses, one channel
 * spreads calls over all workers with gRPC's round_robin policy, skips workers whose standard
 * health service reports NOT_SERVING, and retries calls that find a worker UNAVAILABLE; all
 * workers must serve the same model. Thread-safe. Progress and sink callbacks run on the calling thread.
 */
public final class GrpcModelWorker implements ModelWorker {

    private final ManagedChannel channel;
    private final ModelWorkerGrpc.ModelWorkerBlockingStub stub;
    private final GrpcWorkerOptions options;
    private final BufferAllocator allocator = new RootAllocator();
    private volatile ModelInfo info;

    private GrpcModelWorker(ManagedChannel channel, GrpcWorkerOptions options) {
        this.channel = channel;
        this.stub = ModelWorkerGrpc.newBlockingStub(channel);
        this.options = options;
    }

    /** Connects (lazily, on the first call) to workers at {@code host:port} addresses serving one model. */
    public static GrpcModelWorker connect(List<String> addresses, GrpcWorkerOptions options) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no worker address given");
        }
        String target = StaticAddressResolverProvider.target(addresses.stream().map(WorkerAddress::parse).toList());
        ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(options.maxInboundMessageBytes())
                .disableServiceConfigLookUp()
                .defaultServiceConfig(serviceConfig(options))
                .enableRetry()
                .build();
        return new GrpcModelWorker(channel, options);
    }

    public static GrpcModelWorker connect(String... addresses) {
        return connect(List.of(addresses), GrpcWorkerOptions.DEFAULTS);
    }

    /** Wraps a channel built elsewhere (e.g. in-process); the worker owns it and shuts it down on close. */
    public static GrpcModelWorker over(ManagedChannel channel, GrpcWorkerOptions options) {
        return new GrpcModelWorker(channel, options);
    }

    /**
     * round_robin over every resolved worker, client-side health checks against the standard
     * grpc.health.v1 service (serviceName "" = the whole server; a worker without it counts as
     * healthy), and retries on UNAVAILABLE for every verb: all are idempotent (a generation is seeded, so a retried
     * one gives the same tokens; gRPC retries a stream only before its first message reached the caller).
     */
    static Map<String, ?> serviceConfig(GrpcWorkerOptions options) {
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", (double) options.maxAttempts(),
                "initialBackoff", seconds(options.initialBackoff().toNanos()),
                "maxBackoff", seconds(options.maxBackoff().toNanos()),
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        return Map.of(
                "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                "healthCheckConfig", Map.of("serviceName", ""),
                "methodConfig", List.of(Map.of(
                        "name", List.of(Map.of("service", ModelWorkerGrpc.SERVICE_NAME)),
                        "retryPolicy", retryPolicy)));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.9fs", nanos / 1e9);
    }

    /** Fetched once and cached: it is needed to check every streamed reply. */
    @Override
    public ModelInfo describe() {
        ModelInfo cached = info;
        if (cached == null) {
            cached = ProtoCodec.modelInfo(unary("Describe", s -> s.describe(DescribeRequest.getDefaultInstance())));
            info = cached;
        }
        return cached;
    }

    @Override
    public Tokenization tokenize(String text, int[] prefixCharOffsets) {
        TokenizeRequest request = TokenizeRequest.newBuilder().setText(text)
                .addAllPrefixCharOffsets(Arrays.stream(prefixCharOffsets).boxed().toList()).build();
        return ProtoCodec.tokenization(unary("Tokenize", s -> s.tokenize(request)), prefixCharOffsets.length);
    }

    @Override
    public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
        AttentionAssembler assembler = new AttentionAssembler(query, describe(), tokenCount(query.input()), sink, progress);
        stream("Attention", s -> s.attention(ProtoCodec.attentionRequest(query)), assembler::accept);
        finish("Attention", () -> {
            assembler.finish();
            return null;
        });
    }

    @Override
    public LogitsResult logits(LogitsQuery query, ProgressListener progress) {
        LogitsAssembler assembler = new LogitsAssembler(query, describe(), tokenCount(query.input()), progress);
        stream("Logits", s -> s.logits(ProtoCodec.logitsRequest(query)), assembler::accept);
        return finish("Logits", assembler::finish);
    }

    @Override
    public Generation generate(GenerateQuery query, TokenSink sink) {
        GenerationAssembler assembler = new GenerationAssembler(describe().vocabSize(), query.maxNewTokens(), sink);
        stream("Generate", s -> s.generate(ProtoCodec.generateRequest(query)), (reply, allocator) ->
                assembler.accept(reply));
        return finish("Generate", assembler::finish);
    }

    /** Bytes the Arrow allocator holds now; 0 between calls unless something leaked. */
    long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /**
     * Closes at once: a call still running on another thread fails with CANCELLED. (A graceful
     * shutdown can hang on a transport stream that a rejected oversized request left open.)
     */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            allocator.close(); // throws if a buffer leaked
        }
    }

    private <T> T unary(String verb, Function<ModelWorkerGrpc.ModelWorkerBlockingStub, T> call) {
        try {
            return call.apply(stub.withDeadlineAfter(options.unaryDeadline().toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw StatusErrors.fromStatus(verb, e);
        }
    }

    /**
     * Runs a server-streaming call and feeds each message to {@code onChunk}. The call runs in its own
     * cancellable context: leaving early (a contract violation, or an exception from the caller's
     * sink) cancels it, which stops the work on the worker. Each call decodes in a child allocator
     * so a leak is caught and attributed when the call ends.
     */
    private <M> void stream(String verb, Function<ModelWorkerGrpc.ModelWorkerBlockingStub, Iterator<M>> call,
                            BiConsumer<M, BufferAllocator> onChunk) {
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        int index = 0;
        try (BufferAllocator callAllocator = allocator.newChildAllocator(verb, 0, Long.MAX_VALUE)) {
            Iterator<M> chunks =
                    call.apply(stub.withDeadlineAfter(options.streamDeadline().toNanos(), TimeUnit.NANOSECONDS));
            for (; chunks.hasNext(); index++) {
                onChunk.accept(chunks.next(), callAllocator);
            }
        } catch (StatusRuntimeException e) {
            throw StatusErrors.fromStatus(verb, e);
        } catch (ContractViolation e) {
            throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, verb + " chunk " + index + ": "
                    + e.getMessage(), e);
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    /** Runs the end-of-stream checks, which see what a truncated stream left out. */
    private static <T> T finish(String verb, Supplier<T> check) {
        try {
            return check.get();
        } catch (ContractViolation e) {
            throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, verb + ": " + e.getMessage(), e);
        }
    }

    private static int tokenCount(ModelInput input) {
        return input instanceof ModelInput.Tokens t ? t.length() : -1;
    }
}
