package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs Logits passes on a few threads, so that the client's round robin spreads concurrent passes over every
 * worker. The client already retries a call that finds no worker; on top of that a pass that fails UNAVAILABLE
 * is reissued a few times, which survives a worker dying mid-pass as long as another one is up.
 */
public final class PassExecutor implements AutoCloseable {

    public static final int MAX_ATTEMPTS = 4;
    private static final long BACKOFF_MILLIS = 200;

    /** A pass's answer, its wall time over all attempts and how many attempts it took. */
    public record Timed(LogitsResult result, double seconds, int attempts) {
    }

    /** Receives each finished pass on the thread that ran it; may throw to stop the run. */
    @FunctionalInterface
    interface Consumer {
        void accept(int queryIndex, Timed pass);
    }

    private final ModelWorker worker;
    private final ExecutorService pool;

    public PassExecutor(ModelWorker worker, int parallel) {
        this.worker = worker;
        this.pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "ta-pass");
            t.setDaemon(true);
            return t;
        });
    }

    /** One pass on the calling thread. */
    Timed run(LogitsQuery query) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                LogitsResult result = worker.logits(query);
                return new Timed(result, (System.nanoTime() - start) / 1e9, attempt);
            } catch (WorkerException e) {
                if (e.kind() != WorkerException.Kind.UNAVAILABLE || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                sleep(BACKOFF_MILLIS * attempt);
            }
        }
    }

    /**
     * Runs every query concurrently and hands each answer to {@code done}. After the first failure no further
     * pass starts, but passes already running finish and are handed over (so their results are kept); then the
     * failure of the lowest-numbered failed query is rethrown.
     */
    void runAll(List<LogitsQuery> queries, Consumer done) {
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            int index = q;
            futures.add(pool.submit(() -> {
                if (failed.get()) {
                    return;
                }
                try {
                    done.accept(index, run(queries.get(index)));
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PipelineException.worker("interrupted while waiting for suppression passes", e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PipelineException.worker("interrupted while retrying a pass", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
