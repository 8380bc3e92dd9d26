package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.PipelineException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a run finds its model worker: nowhere (a run served from the cache alone), workers at {@code host:port}
 * addresses (several serving one model share the work), or a local worker the pipeline starts as a child process
 * and stops at the end of the run. Optionally the model id the worker must serve.
 *
 * @param addresses         REMOTE: the workers' addresses; empty otherwise
 * @param localModel        LOCAL: the model the child process serves ({@code tiny-qwen2}, {@code tiny-llama})
 * @param localStartTimeout LOCAL: how long the child may take to start serving
 * @param expectedModel     the run fails (WORKER) unless the worker serves this model id; a run served from the
 *                          cache alone takes this model's entries
 */
public record WorkerTarget(Mode mode, List<String> addresses, String localModel, Duration localStartTimeout,
                           Optional<String> expectedModel) {

    public enum Mode { NONE, REMOTE, LOCAL }

    public static final String DEFAULT_LOCAL_MODEL = "tiny-qwen2";
    public static final Duration DEFAULT_LOCAL_START_TIMEOUT = Duration.ofSeconds(300);

    public WorkerTarget {
        Objects.requireNonNull(mode, "mode");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(localStartTimeout, "localStartTimeout");
        Objects.requireNonNull(expectedModel, "expectedModel");
        if (mode == Mode.REMOTE && addresses.isEmpty()) {
            throw PipelineException.invalidRequest("a remote worker target needs at least one HOST:PORT address");
        }
        if (mode != Mode.REMOTE && !addresses.isEmpty()) {
            throw PipelineException.invalidRequest("addresses are for remote workers only, got " + addresses);
        }
        if (mode == Mode.LOCAL && (localModel == null || localModel.isBlank())) {
            throw PipelineException.invalidRequest("a local worker needs a model");
        }
        if (localStartTimeout.isNegative() || localStartTimeout.isZero()) {
            throw PipelineException.invalidRequest("the local worker's start timeout must be positive, got "
                    + localStartTimeout);
        }
        if (mode == Mode.LOCAL && expectedModel.isPresent() && !expectedModel.get().equals(localModel)) {
            throw PipelineException.invalidRequest("expected model " + expectedModel.get()
                    + " contradicts the local model " + localModel);
        }
    }

    /** No worker: every trace must be in the cache. */
    public static WorkerTarget none() {
        return new WorkerTarget(Mode.NONE, List.of(), null, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty());
    }

    public static WorkerTarget remote(List<String> addresses) {
        return new WorkerTarget(Mode.REMOTE, addresses, null, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty());
    }

    public static WorkerTarget remote(String... addresses) {
        return remote(List.of(addresses));
    }

    /** The embedded Python worker serving {@code model}, started for the run (see {@link LocalWorkerProcess}). */
    public static WorkerTarget local(String model) {
        return new WorkerTarget(Mode.LOCAL, List.of(), model, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty());
    }

    public WorkerTarget withExpectedModel(String modelId) {
        return new WorkerTarget(mode, addresses, localModel, localStartTimeout, Optional.of(modelId));
    }

    public WorkerTarget withLocalStartTimeout(Duration timeout) {
        return new WorkerTarget(mode, addresses, localModel, timeout, expectedModel);
    }

    public boolean isNone() {
        return mode == Mode.NONE;
    }

    public boolean isLocal() {
        return mode == Mode.LOCAL;
    }

    /** Worker processes the work can spread over: the addresses, or the one local worker. */
    public int workerCount() {
        return switch (mode) {
            case NONE -> 0;
            case LOCAL -> 1;
            case REMOTE -> addresses.size();
        };
    }

    /** The model a run served from the cache alone must find: the local worker's, else the expected one. */
    public Optional<String> modelFilter() {
        return isLocal() ? Optional.of(localModel) : expectedModel;
    }

    /** For messages: "the worker at a:1,b:2" or "the local worker (tiny-qwen2)". */
    public String describe() {
        return switch (mode) {
            case NONE -> "no worker";
            case LOCAL -> "the local worker (" + localModel + ")";
            case REMOTE -> "the worker at " + String.join(",", addresses);
        };
    }
}
