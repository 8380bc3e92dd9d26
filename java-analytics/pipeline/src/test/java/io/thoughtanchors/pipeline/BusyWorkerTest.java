package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker at its default admission bound (one forward running, eight waiting: a tenth concurrent call is
 * refused RESOURCE_EXHAUSTED "worker busy") given more concurrent passes than it admits. Busy means wait and retry:
 * the run completes and its matrix equals one computed a pass at a time. (Several users sharing a worker:
 * {@code WorkerLoadTest}.)
 */
class BusyWorkerTest {

    @TempDir
    static Path tmp;
    static RealWorker worker;
    static double[][] serial;

    @BeforeAll
    static void startWorkerAndComputeTheMatrixOnePassAtATime() throws Exception {
        RealWorker.assumeAvailable();
        worker = RealWorker.start("tiny-llama", tmp);
        serial = matrix(request("serial").withParallel(1));
        assertTrue(serial.length >= 20, "enough passes to overflow the queue");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private static SuppressionMatrixRequest request(String name) {
        return SuppressionMatrixRequest.of(RealWorker.LLAMA_TRACE, tmp.resolve(name + "/out"))
                .withCache(tmp.resolve(name + "/cache")).withVariantsPerCall(1)
                .withWorker(WorkerTarget.remote(worker.address()));
    }

    private static double[][] matrix(SuppressionMatrixRequest request) {
        return Pipeline.create().suppressionMatrix(request).traces().get(0).raw();
    }

    @Test
    void twelvePassesInFlightAgainstOneWorkerAllCompleteAfterWaitingTheirTurn() throws Exception {
        SuppressionMatrixResult result = Pipeline.create().suppressionMatrix(request("parallel-12").withParallel(12));

        assertSameMatrix(serial, result.traces().get(0).raw());
        JsonNode worker = Json.MAPPER.readTree(result.outputDir().resolve("run.json").toFile()).get("worker");
        assertTrue(worker.get("busy_retries").asInt() > 0, "the worker refused calls: " + worker);
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("is busy") && w.contains("worker busy")),
                result.warnings().toString());
    }

    static void assertSameMatrix(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Arrays.stream(expected[i]).boxed().toList(), Arrays.stream(actual[i]).boxed().toList(),
                    "row " + i);
        }
    }
}
