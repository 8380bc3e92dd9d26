package io.thoughtanchors.pipeline;

import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.RetryListener;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.grpc.GrpcModelWorker;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;
import io.thoughtanchors.worker.grpc.WorkerSecurity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A bounded load through the Java client: {@code clients} users, each with its own connection and {@code callers}
 * threads, each thread making {@code calls} Logits calls one after the other (a baseline and one suppressed
 * variant, nucleus-compressed, as a suppression sweep does). Every answer is compared with a reference answer; a
 * call that breaks off mid-answer is started over as the suppression passes are, at most three more times. Nothing
 * is timed against a target.
 */
public final class WorkerLoad {

    /** Reissues of a call broken off mid-answer, as {@code PassExecutor} allows. */
    private static final int REISSUES = 3;

    /** One call: its wall time (retries included), and what the client retried on the way. */
    public record Call(int client, double seconds, int busyRetries, int unavailableRetries, int reissues) {
    }

    /** Every call that completed, and every one that did not (with why). */
    public record Outcome(List<Call> calls, List<String> lost, double wallSeconds) {

        public int busyRetries() {
            return calls.stream().mapToInt(Call::busyRetries).sum();
        }

        public int unavailableRetries() {
            return calls.stream().mapToInt(Call::unavailableRetries).sum();
        }

        public int reissues() {
            return calls.stream().mapToInt(Call::reissues).sum();
        }
    }

    private WorkerLoad() {
    }

    /** The query every call makes: {@code text} as is, and with tokens [1, 3) suppressed in all heads. */
    public static LogitsQuery query(String text) {
        return LogitsQuery.nucleus(ModelInput.text(text), List.of(Suppression.NONE,
                Suppression.allHeads(List.of(new TokenRange(1, 3)))), NucleusSpec.REFERENCE);
    }

    /**
     * Runs the load against {@code workers} and waits for every call.
     *
     * @param afterCall told the number of completed calls after each one, on that call's thread (a test kills or
     *                  restarts a worker there, at a known point of the load)
     */
    public static Outcome run(List<String> workers, GrpcWorkerOptions options, LogitsQuery query, int clients,
                              int callers, int calls, IntConsumer afterCall) throws InterruptedException {
        LogitsResult reference;
        try (GrpcModelWorker once = GrpcModelWorker.connect(workers, options)) {
            reference = once.logits(query);
        }
        ThreadLocal<int[]> retries = ThreadLocal.withInitial(() -> new int[2]);  // busy, unavailable
        RetryListener counting = (verb, cause, delay, attempt) ->
                retries.get()[cause.kind() == WorkerException.Kind.RESOURCE_EXHAUSTED ? 0 : 1]++;
        List<GrpcModelWorker> connections = new ArrayList<>();
        List<Call> done = Collections.synchronizedList(new ArrayList<>());
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger completed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(clients * callers);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                GrpcModelWorker client = GrpcModelWorker.connect(workers, options, WorkerSecurity.plaintext(), counting);
                connections.add(client);
                int clientIndex = c;
                for (int t = 0; t < callers; t++) {
                    futures.add(threads.submit(() -> {
                        for (int i = 0; i < calls; i++) {
                            int[] counts = retries.get();
                            counts[0] = 0;
                            counts[1] = 0;
                            long t0 = System.nanoTime();
                            try {
                                int reissues = callOnce(client, query, reference);
                                done.add(new Call(clientIndex, (System.nanoTime() - t0) / 1e9, counts[0], counts[1],
                                        reissues));
                            } catch (RuntimeException e) {
                                lost.add("client " + clientIndex + ": " + e.getMessage());
                            }
                            afterCall.accept(completed.incrementAndGet());
                        }
                    }));
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    lost.add("a caller thread failed: " + e.getCause());
                }
            }
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(30, TimeUnit.SECONDS);
            connections.forEach(GrpcModelWorker::close);
        }
        return new Outcome(List.copyOf(done), List.copyOf(lost), (System.nanoTime() - start) / 1e9);
    }

    /** One call, started over while it breaks off mid-answer; fails unless the answer equals the reference. */
    private static int callOnce(GrpcModelWorker client, LogitsQuery query, LogitsResult reference) {
        for (int reissue = 0; ; reissue++) {
            try {
                LogitsResult answer = client.logits(query);
                for (int v = 0; v < reference.variants().size(); v++) {
                    if (!answer.variant(v).nucleus().equals(reference.variant(v).nucleus())) {
                        throw new IllegalStateException("variant " + v + " differs from the reference answer");
                    }
                }
                return reissue;
            } catch (WorkerException e) {
                if (!e.retryable() || reissue == REISSUES) {
                    throw e;
                }
            }
        }
    }
}
