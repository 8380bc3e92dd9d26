package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.WorkerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: balancing and failover over two workers, health checks, a silent worker left for the other, a
 * restart ridden out, an address never reached, the 4 MiB request limit, and the network threads stopped on close.
 */
class NettyWorkerTest {

    private final BufferAllocator serverAllocator = new RootAllocator();
    private final List<Server> servers = new ArrayList<>();
    private final List<FakeWorker> fakes = new ArrayList<>();
    private final List<HealthStatusManager> health = new ArrayList<>();

    /** A fake on a free loopback port with default server limits (4 MiB inbound) and a health service. */
    private String startWorker() throws Exception {
        FakeWorker fake = new FakeWorker(serverAllocator);
        HealthStatusManager status = new HealthStatusManager();
        Server server = NettyServerBuilder.forPort(0).addService(fake).addService(status.getHealthService())
                .build().start();
        fakes.add(fake);
        health.add(status);
        servers.add(server);
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        serverAllocator.close();
    }

    @Test
    void callsSpreadOverBothWorkersAndSurviveOneShuttingDown() throws Exception {
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(startWorker(), startWorker()),
                GrpcWorkerOptions.DEFAULTS)) {
            callUntilBothServed(worker);
            int[] before = counts();
            for (int i = 0; i < 20; i++) {
                worker.tokenize("spread", new int[0]);
            }
            int[] after = counts();
            assertEquals(10, after[0] - before[0], "round_robin alternates between ready workers");
            assertEquals(10, after[1] - before[1]);

            worker.describe(); // cached now, so each attention call below is one call on a worker
            servers.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            int survivorBefore = fakes.get(1).calls.get();
            for (int i = 0; i < 20; i++) {
                worker.attention(AttentionQuery.raw(ModelInput.text("abc")), m -> { });
            }
            assertEquals(20, fakes.get(1).calls.get() - survivorBefore, "every call reached the survivor");
            assertEquals(0, worker.allocatedBytes());
        }
    }

    /** A JVM that exits while threads wait in the network's native poll waits 0.3 s for them (docs/performance.md). */
    @Test
    void closingStopsTheChannelsNetworkThreads() throws Exception {
        GrpcModelWorker worker = GrpcModelWorker.connect(startWorker());
        worker.tokenize("threads", new int[0]);
        assertTrue(networkThreads() > 0, "the channel runs on network threads of its own");
        worker.close();
        assertEquals(0, networkThreads(), "close() stopped them");
    }

    private static long networkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ta-grpc-io")).count();
    }

    @Test
    void aWorkerReportingNotServingGetsNoCalls() throws Exception {
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(startWorker(), startWorker()),
                GrpcWorkerOptions.DEFAULTS)) {
            callUntilBothServed(worker);
            health.get(0).setStatus("", ServingStatus.NOT_SERVING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sickBefore;
            do { // the health watch stream delivers the change asynchronously
                sickBefore = fakes.get(0).calls.get();
                for (int i = 0; i < 10; i++) {
                    worker.tokenize("health", new int[0]);
                }
            } while (fakes.get(0).calls.get() != sickBefore && System.nanoTime() < deadline);
            sickBefore = fakes.get(0).calls.get();
            int healthyBefore = fakes.get(1).calls.get();
            for (int i = 0; i < 20; i++) {
                worker.tokenize("health", new int[0]);
            }
            assertEquals(sickBefore, fakes.get(0).calls.get(), "NOT_SERVING worker got calls");
            assertEquals(healthyBefore + 20, fakes.get(1).calls.get());
        }
    }

    @Test
    void requestOverTheServersFourMiBLimitIsResourceExhausted() throws Exception {
        // gRPC's own refusal looks like a busy worker's: retried until the (here short) retry timeout, then final
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(startWorker()), GrpcModelWorkerTest.QUICK)) {
            String big = "x".repeat(5 << 20);
            WorkerException e = assertThrows(WorkerException.class, () -> worker.tokenize(big, new int[0]));
            assertEquals(WorkerException.Kind.RESOURCE_EXHAUSTED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("RESOURCE_EXHAUSTED: Tokenize from 127.0.0.1:"), e.getMessage());
            assertTrue(e.getMessage().contains("exceeds maximum size"), e.getMessage());
            assertEquals(0, fakes.get(0).calls.get(), "the oversized request never reached the handler");
        }
    }

    @Test
    void aWorkerThatGoesSilentIsLeftAndItsPassesGoToTheOther() throws Exception {
        List<String> retried = new CopyOnWriteArrayList<>();
        GrpcWorkerOptions options = GrpcModelWorkerTest.QUICK.withIdleTimeout(Duration.ofMillis(500))
                .withRetryTimeout(Duration.ofSeconds(10));
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(startWorker(), startWorker()), options,
                WorkerSecurity.plaintext(), (verb, cause, delay, attempt) -> retried.add(cause.getMessage()))) {
            callUntilBothServed(worker);
            worker.describe();
            fakes.get(0).hang = true;  // Attention and Logits calls are accepted and never answered
            int hungBefore = fakes.get(0).calls.get();
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                worker.attention(AttentionQuery.raw(ModelInput.text("abc")), m -> { });
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(1, fakes.get(0).calls.get() - hungBefore, "one call met the silent worker, then it was left");
            assertEquals(1, retried.size(), retried.toString());
            assertTrue(retried.get(0).contains("the worker at 127.0.0.1:" + servers.get(0).getPort()
                    + " sent nothing for 0.5 s"), retried.get(0));
            assertTrue(seconds < 10, seconds + " s");
        }
    }

    @Test
    void aWorkerRestartedOnItsPortIsWaitedForByTheCallsMeanwhile() throws Exception {
        String address = startWorker();
        int port = servers.get(0).getPort();
        List<String> retried = new CopyOnWriteArrayList<>();
        GrpcWorkerOptions options = GrpcModelWorkerTest.QUICK.withRetryTimeout(Duration.ofSeconds(20))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(address), options, WorkerSecurity.plaintext(),
                (verb, cause, delay, attempt) -> retried.add(cause.kind() + " " + verb))) {
            worker.describe();
            servers.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            Thread restart = new Thread(() -> {
                try {
                    Thread.sleep(3000);  // longer than the old client's four attempts took
                    servers.add(NettyServerBuilder.forPort(port).addService(new FakeWorker(serverAllocator))
                            .build().start());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            List<Integer> layers = new ArrayList<>();
            worker.attention(AttentionQuery.raw(ModelInput.text("abc")), m -> layers.add(m.layer()));
            restart.join();

            assertEquals(FakeWorker.LAYERS * FakeWorker.HEADS, layers.size());
            assertTrue(retried.size() >= 2 && retried.stream().allMatch("UNAVAILABLE Attention"::equals), retried.toString());
        }
    }

    @Test
    void aWorkerNeverReachedFailsFastAfterMaxAttempts() throws Exception {
        String address = startWorker();
        servers.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        try (GrpcModelWorker worker = GrpcModelWorker.connect(List.of(address), GrpcWorkerOptions.DEFAULTS)) {
            long start = System.nanoTime();
            WorkerException e = assertThrows(WorkerException.class, worker::describe);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(WorkerException.Kind.UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("(after 4 attempts in "), e.getMessage());
            assertTrue(e.getMessage().contains("Connection refused"), "the cause is named: " + e.getMessage());
            assertTrue(seconds < 5, "not the two-minute retry timeout: " + seconds + " s");
        }
    }

    /** round_robin starts routing as soon as one worker is ready; wait until the second one is too. */
    private void callUntilBothServed(GrpcModelWorker worker) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((fakes.get(0).calls.get() == 0 || fakes.get(1).calls.get() == 0) && System.nanoTime() < deadline) {
            worker.tokenize("warm", new int[0]);
        }
        assertTrue(fakes.get(0).calls.get() > 0 && fakes.get(1).calls.get() > 0, "both workers were used");
    }

    private int[] counts() {
        return new int[] {fakes.get(0).calls.get(), fakes.get(1).calls.get()};
    }
}
