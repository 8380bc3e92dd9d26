package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.RetryListener;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Busy and failing workers against the in-process fake: what is retried (only what failed before any message), how
 * long the client waits (backoff, the worker's hint, the retry timeout), and the idle timeout and call deadline.
 */
class RetriesAndTimeoutsTest {

    private static final String TEXT = "abcdef";
    private static final Duration BOUND = Duration.ofSeconds(20);  // no test may hang the build

    /** One retry as the listener saw it. */
    record Retry(String verb, Kind kind, String message, Duration delay, int attempt) {
    }

    private final BufferAllocator serverAllocator = new RootAllocator();
    private final FakeWorker fake = new FakeWorker(serverAllocator);
    private final String name = InProcessServerBuilder.generateName();
    private final List<Retry> retries = new CopyOnWriteArrayList<>();
    private final RetryListener listener = (verb, cause, delay, attempt) ->
            retries.add(new Retry(verb, cause.kind(), cause.getMessage(), delay, attempt));
    private final List<GrpcModelWorker> workers = new ArrayList<>();
    private Server server;

    @BeforeEach
    void start() throws Exception {
        server = InProcessServerBuilder.forName(name).addService(fake).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (GrpcModelWorker w : workers) {
                assertEquals(0, w.allocatedBytes(), "client Arrow buffers leaked");
                w.close();
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            serverAllocator.close();
        }
    }

    private GrpcModelWorker connect(GrpcWorkerOptions options) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        GrpcModelWorker worker = GrpcModelWorker.over(channel, options, listener);
        workers.add(worker);
        for (int warmUp = 1; ; warmUp++) {  // answered once: from now on the worker counts as reached
            try {
                worker.describe();
                break;
            } catch (WorkerException e) {  // a loaded machine's first call can outlast the tests' short timeouts
                if (warmUp == 10) {
                    throw e;
                }
            }
        }
        fake.calls.set(0);
        fake.callTimes.clear();
        return worker;
    }

    private static LogitsQuery threeVariants() {
        return LogitsQuery.nucleus(ModelInput.text(TEXT), List.of(Suppression.NONE,
                Suppression.allHeads(List.of(new TokenRange(2, 4))), Suppression.allHeads(List.of(new TokenRange(4, 6)))),
                NucleusSpec.REFERENCE);
    }

    @Test
    void aBusyRefusalBeforeAnyMessageIsRetriedAndTheAnswerArrivesOnce() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(10)));
        fake.refusalsLeft.set(3);
        List<String> progress = new ArrayList<>();
        var result = worker.logits(threeVariants(), (done, total) -> progress.add(done + "/" + total));

        assertEquals(3, result.variants().size());
        assertEquals(List.of("1/3", "2/3", "3/3"), progress, "each variant reported once");
        assertEquals(4, fake.calls.get());
        assertEquals(List.of(1, 2, 3), retries.stream().map(Retry::attempt).toList());
        assertTrue(retries.stream().allMatch(r -> r.verb().equals("Logits") && r.kind() == Kind.RESOURCE_EXHAUSTED
                && r.message().contains("worker busy")), retries.toString());

        fake.refusalsLeft.set(2);
        List<AttentionMatrix> matrices = new ArrayList<>();
        worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), matrices::add);
        assertEquals(FakeWorker.LAYERS * FakeWorker.HEADS, matrices.size(), "every matrix once");
    }

    /** gRFC A6's pushback, or the model worker's own hint (a mean forward duration). */
    @ParameterizedTest
    @ValueSource(strings = {"grpc-retry-pushback-ms", "ta-retry-after-ms"})
    void theWorkersHintSetsTheDelay(String key) {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(10)));
        Metadata hint = new Metadata();
        hint.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), "400");
        fake.refusalTrailers = hint;
        fake.refusalsLeft.set(1);
        worker.logits(threeVariants());

        assertEquals(2, fake.calls.get());
        long gapMillis = TimeUnit.NANOSECONDS.toMillis(fake.callTimes.get(1) - fake.callTimes.get(0));
        assertTrue(gapMillis >= 400, "the retry came " + gapMillis + " ms after the refusal, the hint said 400");
        Duration delay = retries.get(0).delay();
        assertTrue(delay.toMillis() >= 400 && delay.toMillis() <= 480, "hint plus at most 20%: " + delay);
    }

    @Test
    void aNegativeHintMeansTheRefusalIsFinal() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(10)));
        Metadata hint = new Metadata();
        hint.put(GrpcModelWorker.PUSHBACK, "-1");
        fake.refusalTrailers = hint;
        fake.refusalsLeft.set(1);
        WorkerException e = assertThrows(WorkerException.class, () -> worker.logits(threeVariants()));

        assertEquals(Kind.RESOURCE_EXHAUSTED, e.kind());
        assertEquals(1, fake.calls.get());
        assertEquals(List.of(), retries);
    }

    @Test
    void aBusyWorkerIsRetriedUntilTheRetryTimeoutThenTheRefusalIsReported() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK);  // retry timeout 0.3 s
        fake.refusalsLeft.set(Integer.MAX_VALUE);
        long start = System.nanoTime();
        WorkerException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(WorkerException.class, () -> worker.logits(threeVariants())));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.getMessage().contains("worker busy") && e.getMessage().contains("(after " + fake.calls.get()
                + " attempts in "), e.getMessage());
        assertTrue(seconds < 5, "bounded by the retry timeout: " + seconds + " s");
        assertEquals(fake.calls.get() - 1, retries.size());
        assertFalse(e.retryable(), "the client's own retries are spent");
    }

    @Test
    void aFailureAfterTheFirstMessageIsNeverRetriedHere() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(10)));
        fake.failAfterChunks = 2;
        fake.midStreamFailure = Status.RESOURCE_EXHAUSTED.withDescription("device out of memory");
        List<AttentionMatrix> delivered = new ArrayList<>();
        WorkerException busy = assertThrows(WorkerException.class,
                () -> worker.attention(AttentionQuery.raw(ModelInput.text(TEXT)), delivered::add));

        assertEquals(Kind.RESOURCE_EXHAUSTED, busy.kind());
        assertEquals(1, fake.calls.get(), "not sent again: the sink already holds part of the answer");
        assertEquals(List.of(), retries);
        assertFalse(busy.retryable());
        assertTrue(delivered.size() < FakeWorker.LAYERS * FakeWorker.HEADS);

        fake.midStreamFailure = Status.UNAVAILABLE.withDescription("the worker went away");
        WorkerException died = assertThrows(WorkerException.class, () -> worker.logits(threeVariants()));
        assertEquals(Kind.UNAVAILABLE, died.kind());
        assertEquals(2, fake.calls.get());
        assertTrue(died.retryable(), "a caller that drops the partial answer may start over");
    }

    @Test
    void aWorkerThatAcceptsACallAndNeverAnswersIsCancelledAtTheIdleTimeout() throws Exception {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withIdleTimeout(Duration.ofMillis(300)));
        fake.hang = true;
        WorkerException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(WorkerException.class, () -> worker.logits(threeVariants())));

        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("Logits: the worker at ") && e.getMessage().contains(
                "sent nothing for 0.3 s (idle timeout): cancelled"), e.getMessage());
        assertTrue(fake.cancelled.await(5, TimeUnit.SECONDS), "the worker saw the cancellation");
    }

    @Test
    void aStreamThatStallsMidwayIsCancelledAtTheIdleTimeoutAndMayBeStartedOver() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withIdleTimeout(Duration.ofMillis(300)));
        fake.stallAfterChunks = 2;
        WorkerException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(WorkerException.class, () -> worker.logits(threeVariants())));

        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("(idle timeout, after 2 messages)"), e.getMessage());
        assertTrue(e.retryable());
        assertEquals(1, fake.calls.get());
    }

    @Test
    void timeSpentInTheCallersSinkIsNotIdleTime() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withIdleTimeout(Duration.ofMillis(200)));
        List<AttentionMatrix> matrices = new ArrayList<>();
        worker.attention(AttentionQuery.pooled(ModelInput.text(TEXT), List.of(new TokenRange(0, 3),
                new TokenRange(3, 7))).withLayers(List.of(0)), m -> {
                    matrices.add(m);
                    sleep(300);
                });
        assertEquals(FakeWorker.HEADS, matrices.size());
    }

    @Test
    void aStreamThatTricklesPastTheCallDeadlineFailsWithoutRetry() {
        GrpcModelWorker worker = connect(GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(10))
                .withDeadline(Duration.ofMillis(500)).withIdleTimeout(Duration.ofSeconds(5)));
        fake.chunkDelayMillis = 150;
        WorkerException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(WorkerException.class, () -> worker.logits(threeVariants())));

        assertEquals(Kind.DEADLINE_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("did not finish within the call deadline of 0.5 s"), e.getMessage());
        assertEquals(1, fake.calls.get());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
