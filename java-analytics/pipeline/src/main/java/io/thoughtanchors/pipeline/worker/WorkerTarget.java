package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;
import io.thoughtanchors.worker.grpc.WorkerSecurity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a run finds its model worker: nowhere (a run served from the cache alone), workers at {@code host:port}
 * addresses or behind one {@code dns:///host:port} name (several serving one model share the work), or a local
 * worker the pipeline starts as a child process and stops at the end of the run. Optionally the model id the worker
 * must serve; how calls are timed and retried; how the connection is secured (TLS, a client certificate, a token:
 * never shown by {@link #toString()}).
 *
 * @param addresses         REMOTE: the workers' addresses, or one {@code dns:///} target; empty otherwise
 * @param localModel        LOCAL: the model the child process serves ({@code tiny-qwen2}, {@code tiny-llama})
 * @param localStartTimeout LOCAL: how long the child may take to start serving
 * @param expectedModel     the run fails (WORKER) unless the worker serves this model id; a run served from the
 *                          cache alone takes this model's entries
 * @param connection        deadlines, idle timeout and retries of every call
 * @param security          REMOTE: TLS, client certificate and token; a local worker is plaintext on loopback
 */
public record WorkerTarget(Mode mode, List<String> addresses, String localModel, Duration localStartTimeout,
                           Optional<String> expectedModel, GrpcWorkerOptions connection, WorkerSecurity security) {

    public enum Mode { NONE, REMOTE, LOCAL }

    public static final String DEFAULT_LOCAL_MODEL = "tiny-qwen2";
    public static final Duration DEFAULT_LOCAL_START_TIMEOUT = Duration.ofSeconds(300);

    public WorkerTarget {
        Objects.requireNonNull(mode, "mode");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(localStartTimeout, "localStartTimeout");
        Objects.requireNonNull(expectedModel, "expectedModel");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(security, "security");
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
        if (mode == Mode.LOCAL && (security.tls() || security.token().isPresent())) {
            throw PipelineException.invalidRequest("the local worker serves plaintext on loopback without a token:"
                    + " TLS and token settings are for remote workers");
        }
        if (mode == Mode.LOCAL && expectedModel.isPresent() && !expectedModel.get().equals(localModel)) {
            throw PipelineException.invalidRequest("expected model " + expectedModel.get()
                    + " contradicts the local model " + localModel);
        }
    }

    /** No worker: every trace must be in the cache. */
    public static WorkerTarget none() {
        return new WorkerTarget(Mode.NONE, List.of(), null, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty(),
                GrpcWorkerOptions.DEFAULTS, WorkerSecurity.plaintext());
    }

    /** Workers at {@code host:port} addresses, or behind one {@code dns:///host:port} name; plaintext until
     * {@link #withSecurity} says otherwise. */
    public static WorkerTarget remote(List<String> addresses) {
        return new WorkerTarget(Mode.REMOTE, addresses, null, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty(),
                GrpcWorkerOptions.DEFAULTS, WorkerSecurity.plaintext());
    }

    public static WorkerTarget remote(String... addresses) {
        return remote(List.of(addresses));
    }

    /** The embedded Python worker serving {@code model}, started for the run (see {@link LocalWorkerProcess}). */
    public static WorkerTarget local(String model) {
        return new WorkerTarget(Mode.LOCAL, List.of(), model, DEFAULT_LOCAL_START_TIMEOUT, Optional.empty(),
                GrpcWorkerOptions.DEFAULTS, WorkerSecurity.plaintext());
    }

    public WorkerTarget withExpectedModel(String modelId) {
        return new WorkerTarget(mode, addresses, localModel, localStartTimeout, Optional.of(modelId), connection,
                security);
    }

    public WorkerTarget withLocalStartTimeout(Duration timeout) {
        return new WorkerTarget(mode, addresses, localModel, timeout, expectedModel, connection, security);
    }

    public WorkerTarget withConnection(GrpcWorkerOptions options) {
        return new WorkerTarget(mode, addresses, localModel, localStartTimeout, expectedModel, options, security);
    }

    public WorkerTarget withSecurity(WorkerSecurity value) {
        return new WorkerTarget(mode, addresses, localModel, localStartTimeout, expectedModel, connection, value);
    }

    public boolean isNone() {
        return mode == Mode.NONE;
    }

    public boolean isLocal() {
        return mode == Mode.LOCAL;
    }

    /** Worker processes the work can spread over: the addresses (a dns name counts as one), or the local worker. */
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
