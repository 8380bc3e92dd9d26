package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.thoughtanchors.pipeline.BusyWorkerTest.assertSameMatrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real worker processes (the repository's Python worker, tiny random-weight models) killed, restarted or frozen in
 * the middle of a run. The fault is deterministic: the listener brings it about, and waits for it to have happened,
 * when the run reports its first stored cache entry, on the run's own thread, so it lands before the run asks for
 * anything else.
 */
class WorkersKilledMidRunTest {

    private static final Duration BOUND = Duration.ofMinutes(8);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsThePythonWorker() {
        RealWorker.assumeAvailable();
    }

    /** Does {@code fault} when the run stores its first entry, and records every trace it stores for. */
    static final class AtFirstStored implements PipelineListener {
        final Consumer<Void> fault;
        final List<String> stored = new ArrayList<>();

        AtFirstStored(Runnable fault) {
            this.fault = v -> fault.run();
        }

        @Override
        public void stored(String traceId, Path file) {
            stored.add(traceId);
            if (stored.size() == 1) {
                fault.accept(null);
            }
        }
    }

    @Test
    void theOnlyWorkerKilledAfterTheFirstTraceFailsTheRunWhichKeepsThatTraceAndARerunContinues() throws Exception {
        ReceiversRequest request = ReceiversRequest.of(RealWorker.QWEN_SAMPLE, tmp.resolve("out"))
                .withCache(tmp.resolve("cache"));
        // a worker that has answered is waited for (a restart); this one never comes back
        GrpcWorkerOptions shortWait = GrpcWorkerOptions.DEFAULTS.withRetryTimeout(Duration.ofSeconds(5));
        List<String> ids;
        try (RealWorker doomed = RealWorker.start("tiny-qwen2", tmp)) {
            AtFirstStored killer = new AtFirstStored(doomed::kill);
            PipelineException e = assertThrows(PipelineException.class, () -> Pipeline.create().withListener(killer)
                    .receivers(request.withWorker(WorkerTarget.remote(doomed.address()).withConnection(shortWait))));

            assertEquals(PipelineException.Kind.WORKER, e.kind(), e.getMessage());
            assertEquals(1, killer.stored.size());
            assertTrue(e.getMessage().contains("1 of 3 traces are cached"), e.getMessage());
            assertEquals(1, cacheFiles(".arrow").size());
            assertTrue(Files.notExists(tmp.resolve("out/run.json")));
            ids = killer.stored;
        }
        try (RealWorker healthy = RealWorker.start("tiny-qwen2", tmp)) {
            ReceiversResult rerun = Pipeline.create().receivers(request.withForce(true)
                    .withWorker(WorkerTarget.remote(healthy.address())));

            assertEquals(ids.get(0), rerun.traces().get(rerun.computed().indexOf(false)).id(),
                    "the trace stored before the kill comes from the cache");
            assertEquals(2, rerun.computed().stream().filter(c -> c).count());
        }
    }

    @Test
    void oneOfTwoWorkersKilledAfterTheFirstColumnLosesNothing() throws Exception {
        try (RealWorker survivor = RealWorker.start("tiny-llama", tmp);
             RealWorker doomed = RealWorker.start("tiny-llama", tmp)) {
            AtFirstStored killer = new AtFirstStored(doomed::kill);
            SuppressionMatrixResult result = Pipeline.create().withListener(killer).suppressionMatrix(
                    matrixRequest("two").withWorker(WorkerTarget.remote(survivor.address(), doomed.address())));
            assertTrue(!doomed.process().isAlive() && killer.stored.size() > 2, "killed at the first of many stores");

            assertSameMatrix(cleanMatrix(survivor), result.traces().get(0).raw());
        }
    }

    @Test
    void theOnlyWorkerKilledAndRestartedMidMatrixGivesTheMatrixOfACleanRun() throws Exception {
        try (RealWorker worker = RealWorker.start("tiny-llama", tmp)) {
            AtFirstStored restarter = new AtFirstStored(() -> restart(worker));
            SuppressionMatrixResult result = assertTimeoutPreemptively(BOUND, () -> Pipeline.create()
                    .withListener(restarter).suppressionMatrix(matrixRequest("restarted")
                            .withWorker(WorkerTarget.remote(worker.address()))));
            assertTrue(restarter.stored.size() > 2, "restarted at the first of many stores");

            assertSameMatrix(cleanMatrix(worker), result.traces().get(0).raw());
            JsonNode json = runJson(result);
            int passRetries = 0;
            for (JsonNode pass : json.get("traces").get(0).get("passes")) {
                passRetries += pass.get("attempts").asInt() - 1;
            }
            assertTrue(json.get("worker").get("unavailable_retries").asInt() + passRetries > 0,
                    "passes met the restart and were retried: " + json.get("worker"));
        }
    }

    @Test
    void oneOfTwoWorkersFrozenMidMatrixIsLeftAfterTheIdleTimeout() throws Exception {
        try (RealWorker survivor = RealWorker.start("tiny-llama", tmp);
             RealWorker frozen = RealWorker.start("tiny-llama", tmp)) {
            AtFirstStored freezer = new AtFirstStored(frozen::freeze);  // SIGSTOP: connections open, nothing answered
            // the idle clock includes a pass's wait in the worker's queue: on a loaded machine a live worker's
            // queued passes can wait several seconds, and taking those for silence would quarantine the survivor too
            GrpcWorkerOptions impatient = GrpcWorkerOptions.DEFAULTS.withIdleTimeout(Duration.ofSeconds(20));
            SuppressionMatrixResult result = assertTimeoutPreemptively(BOUND, () -> Pipeline.create()
                    .withListener(freezer).suppressionMatrix(matrixRequest("frozen").withWorker(
                            WorkerTarget.remote(survivor.address(), frozen.address()).withConnection(impatient))));
            frozen.thaw();

            assertSameMatrix(cleanMatrix(survivor), result.traces().get(0).raw());
            JsonNode json = runJson(result);
            int passRetries = 0;
            for (JsonNode pass : json.get("traces").get(0).get("passes")) {
                passRetries += pass.get("attempts").asInt() - 1;
            }
            boolean warned = result.warnings().stream().anyMatch(w -> w.contains("the worker at " + frozen.address()
                    + " sent nothing for 20 s (idle timeout"));
            assertTrue(warned || passRetries > 0, "passes on the frozen worker were cancelled and retried: "
                    + result.warnings() + " " + json.get("worker"));
        }
    }

    private SuppressionMatrixRequest matrixRequest(String name) {
        return SuppressionMatrixRequest.of(RealWorker.LLAMA_TRACE, tmp.resolve(name))
                .withCache(tmp.resolve(name + "-cache")).withVariantsPerCall(1);
    }

    /** The matrix of an undisturbed one-worker run on a fresh cache. */
    private double[][] cleanMatrix(RealWorker worker) {
        double[][] clean = Pipeline.create().suppressionMatrix(matrixRequest("clean")
                .withWorker(WorkerTarget.remote(worker.address()))).traces().get(0).raw();
        assertTrue(clean.length >= 20);
        return clean;
    }

    private static JsonNode runJson(SuppressionMatrixResult result) throws IOException {
        return Json.MAPPER.readTree(result.outputDir().resolve("run.json").toFile());
    }

    private static void restart(RealWorker worker) {
        try {
            worker.restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> cacheFiles(String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            return files.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }
}
