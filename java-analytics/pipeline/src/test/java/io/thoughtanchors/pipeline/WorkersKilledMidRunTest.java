package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.worker.WorkerTarget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real worker processes (the repository's Python worker, tiny random-weight models) killed in the middle of a run.
 * The kill is deterministic: the listener kills the worker, and waits for it to be gone, when the run reports its
 * first stored cache entry, on the run's own thread, so the worker is dead before the run asks for anything else.
 */
class WorkersKilledMidRunTest {

    static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    static final Path PYTHON = REPO.resolve(".venv/bin/python");
    static final Path QWEN_SAMPLE = REPO.resolve("data/thought-anchors-sample/deepseek-r1-distill-qwen-14b");
    static final Path LLAMA_TRACE = REPO.resolve(
            "data/thought-anchors-sample/deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsThePythonWorker() {
        assumeTrue(Files.isExecutable(PYTHON), "the real-worker tests need " + PYTHON + " (make setup)");
    }

    /** A worker process serving on a free loopback port. */
    static final class Worker implements AutoCloseable {
        final Process process;
        final String address;

        Worker(String model, Path dir) throws IOException, InterruptedException {
            Path portFile = Files.createTempFile(dir, "port", "");
            Files.delete(portFile);
            process = new ProcessBuilder(PYTHON.toString(), "-m", "thought_anchors_worker", "serve", "--model", model,
                    "--port", "0", "--port-file", portFile.toString()).directory(REPO.toFile())
                    .redirectErrorStream(true).redirectOutput(Files.createTempFile(dir, "worker", ".log").toFile())
                    .start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the " + model + " worker did not start");
                }
                Thread.sleep(100);
            }
            address = "127.0.0.1:" + Files.readString(portFile).strip();
        }

        /** SIGKILL, then wait until the process is gone. */
        void kill() {
            process.destroyForcibly();
            try {
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the worker died");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            kill();
        }
    }

    /** Kills {@code worker} when the run stores its first entry, and records every trace it stores for. */
    static final class KillAtFirstStored implements PipelineListener {
        final Worker worker;
        final List<String> stored = new ArrayList<>();

        KillAtFirstStored(Worker worker) {
            this.worker = worker;
        }

        @Override
        public void stored(String traceId, Path file) {
            stored.add(traceId);
            if (stored.size() == 1) {
                worker.kill();
            }
        }
    }

    @Test
    void theOnlyWorkerKilledAfterTheFirstTraceFailsTheRunWhichKeepsThatTraceAndARerunContinues() throws Exception {
        ReceiversRequest request = ReceiversRequest.of(QWEN_SAMPLE, tmp.resolve("out")).withCache(tmp.resolve("cache"));
        List<String> ids;
        try (Worker doomed = new Worker("tiny-qwen2", tmp)) {
            KillAtFirstStored killer = new KillAtFirstStored(doomed);
            PipelineException e = assertThrows(PipelineException.class, () -> Pipeline.create().withListener(killer)
                    .receivers(request.withWorker(WorkerTarget.remote(doomed.address))));

            assertEquals(PipelineException.Kind.WORKER, e.kind(), e.getMessage());
            assertEquals(1, killer.stored.size());
            assertTrue(e.getMessage().contains("1 of 3 traces are cached"), e.getMessage());
            assertEquals(1, cacheFiles(".arrow").size());
            assertTrue(Files.notExists(tmp.resolve("out/run.json")));
            ids = killer.stored;
        }
        try (Worker healthy = new Worker("tiny-qwen2", tmp)) {
            ReceiversResult rerun = Pipeline.create().receivers(request.withForce(true)
                    .withWorker(WorkerTarget.remote(healthy.address)));

            assertEquals(ids.get(0), rerun.traces().get(rerun.computed().indexOf(false)).id(),
                    "the trace stored before the kill comes from the cache");
            assertEquals(2, rerun.computed().stream().filter(c -> c).count());
        }
    }

    @Test
    void oneOfTwoWorkersKilledAfterTheFirstColumnLosesNothing() throws Exception {
        SuppressionMatrixRequest request = SuppressionMatrixRequest.of(LLAMA_TRACE, tmp.resolve("two"))
                .withCache(tmp.resolve("cache")).withVariantsPerCall(1);
        double[][] twoWorkers;
        double[][] oneWorker;
        try (Worker survivor = new Worker("tiny-llama", tmp); Worker doomed = new Worker("tiny-llama", tmp)) {
            KillAtFirstStored killer = new KillAtFirstStored(doomed);
            SuppressionMatrixResult result = Pipeline.create().withListener(killer).suppressionMatrix(request
                    .withWorker(WorkerTarget.remote(survivor.address, doomed.address)));
            assertTrue(!doomed.process.isAlive() && killer.stored.size() > 2, "killed at the first of many stores");
            twoWorkers = result.traces().get(0).raw();

            oneWorker = Pipeline.create().suppressionMatrix(SuppressionMatrixRequest.of(LLAMA_TRACE,
                            tmp.resolve("one")).withCache(tmp.resolve("fresh-cache"))
                    .withWorker(WorkerTarget.remote(survivor.address))).traces().get(0).raw();
        }
        assertTrue(oneWorker.length >= 20);
        for (int i = 0; i < oneWorker.length; i++) {
            assertEquals(List.of(box(oneWorker[i])), List.of(box(twoWorkers[i])), "row " + i);
        }
    }

    private static List<Double> box(double[] row) {
        return java.util.Arrays.stream(row).boxed().toList();
    }

    private List<Path> cacheFiles(String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            return files.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }
}
