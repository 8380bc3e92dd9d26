package io.thoughtanchors.pipeline;

import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded loads on loopback through the Java client against a real worker: no call is lost, every answer is right.
 * (Latencies and memory are not asserted here: timing targets live in bench/.)
 */
class WorkerLoadTest {

    static final String TEXT = "Let me think about this step by step, checking each result before moving on. ".repeat(4);
    private static final Duration BOUND = Duration.ofMinutes(6);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsThePythonWorker() {
        RealWorker.assumeAvailable();
    }

    @Test
    void fiveUsersSharingOneWorkerAtDefaultsAllGetTheirAnswers() throws Exception {
        try (RealWorker worker = RealWorker.start("tiny-qwen2", tmp)) {
            // each user runs ta at its default of two passes in flight per worker: 10 calls for 1 running + 8 waiting
            WorkerLoad.Outcome load = assertTimeoutPreemptively(BOUND, () -> WorkerLoad.run(List.of(worker.address()),
                    GrpcWorkerOptions.DEFAULTS, WorkerLoad.query(TEXT), 5, 2, 2, done -> { }));

            assertEquals(List.of(), load.lost());
            assertEquals(20, load.calls().size());
            assertTrue(load.busyRetries() > 0, "the worker refused some calls as busy, which then succeeded");
        }
    }

    @Test
    void aWorkerKilledAndRestartedMidLoadLosesNoCall() throws Exception {
        try (RealWorker worker = RealWorker.start("tiny-qwen2", tmp)) {
            WorkerLoad.Outcome load = assertTimeoutPreemptively(BOUND, () -> WorkerLoad.run(List.of(worker.address()),
                    GrpcWorkerOptions.DEFAULTS, WorkerLoad.query(TEXT), 3, 1, 4, done -> {
                        if (done == 3) {  // on the third answer's thread, while the other users' calls are in flight
                            restart(worker);
                        }
                    }));

            assertEquals(List.of(), load.lost());
            assertEquals(12, load.calls().size());
            assertTrue(load.unavailableRetries() + load.reissues() > 0, "calls met the restart and were retried");
        }
    }

    private static void restart(RealWorker worker) {
        try {
            worker.restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
