package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.worker.WorkerTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker at its default admission bound (one forward running, eight waiting: a ninth concurrent call is
 * refused RESOURCE_EXHAUSTED "worker busy") shared by more concurrent passes than it admits. Busy means wait and
 * retry: every run completes and its matrix equals one computed a pass at a time.
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
    void twelvePassesInFlightAgainstOneWorkerAllComplete() {
        assertSameMatrix(serial, matrix(request("parallel-12").withParallel(12)));
    }

    @Test
    void fiveUsersSharingOneWorkerAtDefaultsAllComplete() throws Exception {
        ExecutorService users = Executors.newFixedThreadPool(5);
        try {
            List<Future<double[][]>> runs = new ArrayList<>();
            for (int u = 0; u < 5; u++) {
                SuppressionMatrixRequest request = request("user-" + u);
                runs.add(users.submit(() -> matrix(request)));
            }
            for (Future<double[][]> run : runs) {
                assertSameMatrix(serial, run.get());
            }
        } finally {
            users.shutdownNow();
        }
    }

    static void assertSameMatrix(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Arrays.stream(expected[i]).boxed().toList(), Arrays.stream(actual[i]).boxed().toList(),
                    "row " + i);
        }
    }
}
