package io.thoughtanchors.worker.grpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
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
import io.thoughtanchors.worker.RetryListener;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.v1.DescribeRequest;
import io.thoughtanchors.worker.v1.ModelWorkerGrpc;
import io.thoughtanchors.worker.v1.TokenizeRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@link ModelWorker} over gRPC, tensors as Arrow IPC chunks. With several workers (a list of addresses, or a
 * {@code dns:///} name), one channel spreads calls over all of them with gRPC's round_robin policy and skips workers
 * whose standard health service reports NOT_SERVING; all workers must serve the same model. Thread-safe. Progress
 * and sink callbacks run on the calling thread.
 *
 * <p>Every call has a deadline for the whole call and an idle timeout for each message (see
 * {@link GrpcWorkerOptions}). A call that fails before any message of its answer arrived is retried here when the
 * worker was busy or unreachable ({@link CallRetry}): it delivered nothing, so nothing can be delivered twice. A
 * call that breaks off later is not retried here (a sink may already hold part of the answer); its failure is
 * {@link WorkerException#retryable()} when the worker died or went silent, so a caller that can drop the partial
 * answer may start over.
 */
public final class GrpcModelWorker implements ModelWorker {

    /** gRFC A6's server pushback: how long the worker asks a refused client to wait, in milliseconds. */
    static final Metadata.Key<String> PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms",
            Metadata.ASCII_STRING_MARSHALLER);
    /** The model worker's hint on a busy refusal: about when a forward will have finished, in milliseconds. */
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("ta-retry-after-ms",
            Metadata.ASCII_STRING_MARSHALLER);
    /** A worker that went silent is avoided for this many idle timeouts. */
    private static final int QUARANTINE_IDLE_TIMEOUTS = 4;

    private final ManagedChannel channel;
    private final ModelWorkerGrpc.ModelWorkerBlockingStub stub;
    private final GrpcWorkerOptions options;
    private final String description;
    private final RetryListener retries;
    private final CallRetry retry;
    private final Quarantine quarantine = new Quarantine();
    private final ScheduledExecutorService watchdog;
    private final BufferAllocator allocator = new RootAllocator();
    /** The network threads of a channel this worker built, stopped on close; null for a channel built elsewhere. */
    private final EventLoopGroup eventLoops;
    private volatile boolean answered;
    private volatile ModelInfo info;

    private GrpcModelWorker(ManagedChannel channel, EventLoopGroup eventLoops, GrpcWorkerOptions options,
                            String description, RetryListener retries) {
        this.channel = channel;
        this.eventLoops = eventLoops;
        this.stub = ModelWorkerGrpc.newBlockingStub(channel).withOption(Quarantine.KEY, quarantine);
        this.options = options;
        this.description = description;
        this.retries = retries;
        this.retry = new CallRetry(options, () -> ThreadLocalRandom.current().nextDouble());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ta-worker-idle-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects (lazily, on the first call) to the workers of {@code targets}: {@code host:port} addresses, or one
     * {@code dns:///host:port} name resolving to every worker.
     *
     * @throws IllegalArgumentException for a target that cannot mean a worker, unreadable TLS files, or a token
     *                                  that would travel in plaintext off this machine
     */
    public static GrpcModelWorker connect(List<String> targets, GrpcWorkerOptions options, WorkerSecurity security,
                                          RetryListener retries) {
        ChannelTarget target = ChannelTarget.parse(targets);
        security.check(target);
        ManagedChannel channel;
        // The channel's own network threads (gRPC's shared ones outlive the channel by a second), stopped on close:
        // a JVM exiting with threads waiting in epoll waits 0.3 s for them (docs/performance.md).
        EventLoopGroup eventLoops = new NioEventLoopGroup(0, new DefaultThreadFactory("ta-grpc-io", true));
        try {
            channel = NettyChannelBuilder.forTarget(target.uri(), security.channelCredentials())
                    .eventLoopGroup(eventLoops)
                    .channelType(NioSocketChannel.class)
                    .maxInboundMessageSize(options.maxInboundMessageBytes())
                    .disableServiceConfigLookUp()
                    .defaultServiceConfig(serviceConfig())
                    .build();
        } catch (IllegalArgumentException e) {
            eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalArgumentException("cannot set up the connection to " + target.description() + ": "
                    + e.getMessage(), e);
        }
        return new GrpcModelWorker(channel, eventLoops, options, target.description(), retries);
    }

    public static GrpcModelWorker connect(List<String> targets, GrpcWorkerOptions options) {
        return connect(targets, options, WorkerSecurity.plaintext(), RetryListener.NONE);
    }

    public static GrpcModelWorker connect(String... addresses) {
        return connect(List.of(addresses), GrpcWorkerOptions.DEFAULTS);
    }

    /** Wraps a channel built elsewhere (e.g. in-process); the worker owns it and shuts it down on close. */
    public static GrpcModelWorker over(ManagedChannel channel, GrpcWorkerOptions options) {
        return over(channel, options, RetryListener.NONE);
    }

    /** As {@link #over(ManagedChannel, GrpcWorkerOptions)}, telling {@code retries} about each retry. */
    public static GrpcModelWorker over(ManagedChannel channel, GrpcWorkerOptions options, RetryListener retries) {
        return new GrpcModelWorker(channel, null, options, "the worker at " + channel.authority(), retries);
    }

    /**
     * round_robin over every resolved worker skipping those in a call's {@link Quarantine}, and client-side health
     * checks against the standard grpc.health.v1 service (serviceName "" = the whole server; a worker without it
     * counts as healthy). No retry policy: retries are this class's (see {@link CallRetry}); gRPC still retries
     * transparently a call that never reached a worker.
     */
    static Map<String, ?> serviceConfig() {
        return Map.of(
                "loadBalancingConfig", List.of(Map.of(AvoidingRoundRobinProvider.policy(), Map.of())),
                "healthCheckConfig", Map.of("serviceName", ""));
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
        watchdog.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            if (eventLoops != null) {
                eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            allocator.close(); // throws if a buffer leaked
        }
    }

    /** One attempt of a call, against the call's deadline, reporting what it saw to {@code attempt}. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(Deadline deadline, CallAttempt attempt);
    }

    /** A unary call: its one message must come within the idle timeout. */
    private <T> T unary(String verb, Function<ModelWorkerGrpc.ModelWorkerBlockingStub, T> call) {
        return withRetries(verb, (deadline, attempt) -> {
            Deadline idle = Deadline.after(options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
            boolean idleFirst = idle.isBefore(deadline);
            try {
                T reply = call.apply(attempt.stub(stub, idleFirst ? idle : deadline));
                attempt.messageArrived();
                return reply;
            } catch (StatusRuntimeException e) {
                if (idleFirst && idle.isExpired() && e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                    attempt.wentSilent();
                }
                throw e;
            }
        });
    }

    /**
     * Runs a server-streaming call and feeds each message to {@code onChunk}. The call runs in its own cancellable
     * context: leaving early (a contract violation, an exception from the caller's sink, the idle watchdog) cancels
     * it, which stops the work on the worker. Time spent in {@code onChunk} is not idle time: the clock runs only
     * while the client waits for the next message. Each call decodes in a child allocator so a leak is caught and
     * attributed when the call ends.
     */
    private <M> void stream(String verb, Function<ModelWorkerGrpc.ModelWorkerBlockingStub, Iterator<M>> call,
                            BiConsumer<M, BufferAllocator> onChunk) {
        withRetries(verb, (deadline, attempt) -> {
            Context.CancellableContext context = Context.current().withCancellation();
            Context previous = context.attach();
            long idleNanos = options.idleTimeout().toNanos();
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), idleNanos / 10));
            ScheduledFuture<?> watch = watchdog.scheduleAtFixedRate(() -> attempt.cancelIfSilent(context, idleNanos),
                    period, period, TimeUnit.NANOSECONDS);
            int index = 0;
            try (BufferAllocator callAllocator = allocator.newChildAllocator(verb, 0, Long.MAX_VALUE)) {
                Iterator<M> chunks = call.apply(attempt.stub(stub, deadline));
                while (attempt.awaitNext(chunks)) {
                    onChunk.accept(chunks.next(), callAllocator);
                    index++;
                }
            } catch (ContractViolation e) {
                throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, verb + " chunk " + index
                        + attempt.where() + ": " + e.getMessage(), e);
            } finally {
                watch.cancel(false);
                context.detach(previous);
                context.cancel(null);
            }
            return null;
        });
    }

    /** Runs attempts of one call until one succeeds or {@link CallRetry} gives up. */
    private <T> T withRetries(String verb, Attempt<T> call) {
        Deadline deadline = Deadline.after(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
        long firstFailure = 0;
        for (int n = 1; ; n++) {
            CallAttempt attempt = new CallAttempt();
            try {
                T result = call.run(deadline, attempt);
                answered = true;
                return result;
            } catch (StatusRuntimeException e) {
                WorkerException failure = failure(verb, e, attempt, deadline);
                if (attempt.messages() > 0) {
                    answered = true;
                    throw failure;  // part of the answer was delivered: never sent again from here
                }
                long now = System.nanoTime();
                firstFailure = n == 1 ? now : firstFailure;
                Optional<Duration> delay = retry.next(failure.kind(), pushback(e), n,
                        Duration.ofNanos(now - firstFailure), attempt.silent(), answered,
                        Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
                if (delay.isEmpty()) {
                    throw n == 1 ? failure : new WorkerException(failure.kind(), failure.getMessage().substring(
                            failure.kind().name().length() + 2) + " (after " + n + " attempts in "
                            + seconds(Duration.ofNanos(now - firstFailure)) + ")", e);
                }
                retries.retrying(verb, failure, delay.get(), n);
                if (failure.kind() == WorkerException.Kind.UNAVAILABLE) {
                    channel.resetConnectBackoff();  // a restarted worker is dialled at once, not after gRPC's backoff
                }
                sleep(verb, delay.get());
            }
        }
    }

    private WorkerException failure(String verb, StatusRuntimeException e, CallAttempt attempt, Deadline deadline) {
        boolean midAnswer = attempt.messages() > 0;
        String worker = attempt.remote().map(r -> "the worker at " + format(r)).orElse(description);
        if (attempt.silent()) {
            attempt.remote().ifPresent(r -> quarantine.add(r,
                    options.idleTimeout().multipliedBy(QUARANTINE_IDLE_TIMEOUTS)));
            return new WorkerException(WorkerException.Kind.UNAVAILABLE, verb + ": " + worker + " sent nothing for "
                    + seconds(options.idleTimeout()) + " (idle timeout"
                    + (midAnswer ? ", after " + attempt.messages() + " messages" : "") + "): cancelled", e, true);
        }
        if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED && deadline.isExpired()) {
            return new WorkerException(WorkerException.Kind.DEADLINE_EXCEEDED, verb + ": " + worker
                    + " did not finish within the call deadline of " + seconds(options.deadline()), e);
        }
        return StatusErrors.fromStatus(verb, attempt.remote().isPresent() ? attempt.where() : " to " + description, e,
                midAnswer && e.getStatus().getCode() == Status.Code.UNAVAILABLE);
    }

    /**
     * The worker's hint, if its trailers carry one: gRFC A6's pushback (-1 for one that is not a number or is
     * negative: do not retry), else the worker's own {@code ta-retry-after-ms} (an unreadable one is ignored).
     */
    private static OptionalLong pushback(StatusRuntimeException e) {
        Metadata trailers = Status.trailersFromThrowable(e);
        if (trailers == null) {
            return OptionalLong.empty();
        }
        String pushback = trailers.get(PUSHBACK);
        if (pushback != null) {
            OptionalLong millis = millis(pushback);
            return millis.isPresent() ? millis : OptionalLong.of(-1);
        }
        String hint = trailers.get(RETRY_AFTER);
        OptionalLong millis = hint == null ? OptionalLong.empty() : millis(hint);
        return millis.isPresent() && millis.getAsLong() >= 0 ? millis : OptionalLong.empty();
    }

    private static OptionalLong millis(String value) {
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException bad) {
            return OptionalLong.empty();
        }
    }

    private static void sleep(String verb, Duration delay) {
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerException(WorkerException.Kind.CANCELLED, verb + ": interrupted while waiting to retry", e);
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

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.1f s",
                d.toMillis() / 1000.0);
    }

    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address.toString();
    }

    /**
     * What one attempt saw: the worker it went to (from the stream tracer), how many messages arrived, and whether
     * the client is waiting for a message right now (the idle clock).
     */
    private static final class CallAttempt {
        private volatile SocketAddress remote;
        private volatile int messages;
        private volatile long waitingSince;  // 0: not waiting
        private volatile boolean silent;

        ModelWorkerGrpc.ModelWorkerBlockingStub stub(ModelWorkerGrpc.ModelWorkerBlockingStub base, Deadline deadline) {
            ClientStreamTracer.Factory tracer = new ClientStreamTracer.Factory() {
                @Override
                public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
                    return new ClientStreamTracer() {
                        @Override
                        public void streamCreated(Attributes transportAttrs, Metadata headers) {
                            remote = transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                        }
                    };
                }
            };
            return base.withDeadline(deadline).withInterceptors(new ClientInterceptor() {
                @Override
                public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                             Channel next) {
                    return next.newCall(method, options.withStreamTracerFactory(tracer));
                }
            });
        }

        /** Waits for the next message with the idle clock running; false at the end of the stream. */
        boolean awaitNext(Iterator<?> chunks) {
            waitingSince = System.nanoTime();
            try {
                boolean more = chunks.hasNext();
                if (more) {
                    messageArrived();
                }
                return more;
            } finally {
                waitingSince = 0;
            }
        }

        void messageArrived() {
            messages++;  // one thread reads the stream; the watchdog only reads
        }

        void wentSilent() {
            silent = true;
        }

        void cancelIfSilent(Context.CancellableContext context, long idleNanos) {
            long since = waitingSince;
            if (since != 0 && System.nanoTime() - since > idleNanos && !silent) {
                silent = true;
                context.cancel(new TimeoutException("no message for " + idleNanos / 1_000_000 + " ms"));
            }
        }

        boolean silent() {
            return silent;
        }

        int messages() {
            return messages;
        }

        Optional<SocketAddress> remote() {
            return Optional.ofNullable(remote);
        }

        String where() {
            return remote().map(r -> " from " + format(r)).orElse("");
        }
    }
}
