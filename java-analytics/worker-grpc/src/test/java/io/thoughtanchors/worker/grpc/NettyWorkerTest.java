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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: balancing and failover over two workers, health checks, and the 4 MiB request limit. */
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
        try (GrpcModelWorker worker = GrpcModelWorker.connect(startWorker())) {
            String big = "x".repeat(5 << 20);
            WorkerException e = assertThrows(WorkerException.class, () -> worker.tokenize(big, new int[0]));
            assertEquals(WorkerException.Kind.RESOURCE_EXHAUSTED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("RESOURCE_EXHAUSTED: Tokenize: "), e.getMessage());
            assertEquals(0, fakes.get(0).calls.get(), "the oversized request never reached the handler");
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
