package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.WorkerException;

import io.thoughtanchors.worker.RetryListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The worker a run talks to, opened on first use: the workers of a remote target, or a child process started for a
 * local one (so a run served from the cache starts none). Opening checks what a run relies on: reachable, contract
 * version, expected model, capabilities; from then on every answer is checked ({@link CheckedModelWorker}). The
 * client's own retries (a busy worker, a restart) are counted for run.json, and the first of each kind is a warning,
 * so that a run that stalls says why.
 */
public final class WorkerLink implements AutoCloseable {

    private final WorkerTarget target;
    private final WorkerConnector connector;
    private final Path localLog;
    private final List<String> requiredCapabilities;
    private final Consumer<String> warnings;
    private final AtomicInteger busyRetries = new AtomicInteger();
    private final AtomicInteger unavailableRetries = new AtomicInteger();
    private final AtomicBoolean busyWarned = new AtomicBoolean();
    private final AtomicBoolean unavailableWarned = new AtomicBoolean();
    private LocalWorkerProcess process;
    private ModelWorker worker;
    private volatile ModelInfo info;  // read by the retry listener on pass threads

    /**
     * @param localLog             where a local worker logs (ignored for other targets)
     * @param requiredCapabilities what the worker must be able to do for this run
     * @param warnings             where the first retry of each kind is reported
     */
    public WorkerLink(WorkerTarget target, WorkerConnector connector, Path localLog, List<String> requiredCapabilities,
                      Consumer<String> warnings) {
        this.target = target;
        this.connector = connector;
        this.localLog = localLog;
        this.requiredCapabilities = List.copyOf(requiredCapabilities);
        this.warnings = warnings;
    }

    public WorkerTarget target() {
        return target;
    }

    /** Whether a worker was given at all (a run without one must be served from the cache). */
    public boolean isGiven() {
        return !target.isNone();
    }

    public boolean isLocal() {
        return target.isLocal();
    }

    /** Whether the run needed the worker (a cache-only run with a local target starts none). */
    public boolean isOpen() {
        return worker != null;
    }

    /** For messages: "the worker at a:1,b:2" or "the local worker (tiny-qwen2)". */
    public String describe() {
        return target.describe();
    }

    public ModelInfo info() {
        open();
        return info;
    }

    public ModelWorker worker() {
        open();
        return worker;
    }

    private void open() {
        if (worker != null) {
            return;
        }
        if (target.isNone()) {
            throw new IllegalStateException("no worker was given; the caller must check isGiven()");
        }
        WorkerTarget remote = target;
        if (target.isLocal()) {
            process = LocalWorkerProcess.start(LocalWorkerProcess.launch(target.localModel(), localLog,
                    target.localStartTimeout()));
            remote = process.target().withConnection(target.connection());
        }
        ModelWorker connected;
        try {
            connected = connector.connect(remote, this::retrying);
        } catch (IllegalArgumentException e) {
            throw PipelineException.invalidRequest(e.getMessage());
        }
        try {
            info = check(describeModel(connected));
        } catch (RuntimeException e) {
            connected.close();
            throw e;
        }
        worker = new CheckedModelWorker(connected, info);
    }

    /**
     * A {@link RetryListener}: counts, and warns at the first retry of each kind; not about an unreachable worker
     * before it ever answered (the client makes a few quick attempts, and their failure is the error itself).
     */
    private void retrying(String verb, WorkerException cause, Duration delay, int attempt) {
        boolean busy = cause.kind() == WorkerException.Kind.RESOURCE_EXHAUSTED;
        AtomicInteger count = busy ? busyRetries : unavailableRetries;
        count.incrementAndGet();
        if ((busy || info != null) && (busy ? busyWarned : unavailableWarned).compareAndSet(false, true)) {
            String what = busy ? "is busy" : "cannot be reached";
            warnings.accept(describe() + " " + what + " (" + cause.getMessage() + "): calls wait and retry, each for up"
                    + " to " + target.connection().retryTimeout().toSeconds() + " s");
        }
    }

    private ModelInfo describeModel(ModelWorker connected) {
        try {
            return connected.describe();
        } catch (WorkerException e) {
            String what = switch (e.kind()) {
                case UNAVAILABLE -> "cannot reach " + describe() + (target.security().tls() ? ""
                        : " over plaintext (if it serves TLS, trust its CA certificate)");
                case UNAUTHENTICATED -> describe() + (target.security().token().isPresent()
                        ? " did not authenticate this client" : " wants a token and none was given");
                case PERMISSION_DENIED -> describe() + " refused the token or the client certificate";
                case CONTRACT_MISMATCH -> describe() + " does not speak this client's contract";
                default -> describe() + " failed to describe its model";
            };
            throw PipelineException.worker(what + " (" + e.getMessage() + ")", e);
        }
    }

    private ModelInfo check(ModelInfo described) {
        if (described.contractVersion() != ModelInfo.CONTRACT_VERSION) {
            throw PipelineException.worker(describe() + " speaks contract version " + described.contractVersion()
                    + ", this client speaks " + ModelInfo.CONTRACT_VERSION, null);
        }
        if (target.expectedModel().isPresent() && !target.expectedModel().get().equals(described.modelId())) {
            throw PipelineException.worker(describe() + " serves " + described.modelId() + ", expected "
                    + target.expectedModel().get(), null);
        }
        for (String capability : requiredCapabilities) {
            if (!described.hasCapability(capability)) {
                throw PipelineException.worker(describe() + " lacks the capability " + capability + " (it has "
                        + described.capabilities() + ")", null);
            }
        }
        return described;
    }

    /** The "worker" block of run.json: how the worker was to be reached, and whether it was. */
    public Map<String, Object> runJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", switch (target.mode()) {
            case NONE -> "none";
            case LOCAL -> "local";
            case REMOTE -> "remote";
        });
        json.put("contacted", isOpen());
        if (target.isLocal()) {
            json.put("local_model", target.localModel());
            if (isOpen()) {
                json.put("log", localLog.toString());
            }
        } else if (!target.isNone()) {
            json.put("addresses", target.addresses());
            json.put("security", target.security().summary());
        }
        json.put("deadline_s", target.connection().deadline().toMillis() / 1000.0);
        json.put("idle_timeout_s", target.connection().idleTimeout().toMillis() / 1000.0);
        json.put("retry_timeout_s", target.connection().retryTimeout().toMillis() / 1000.0);
        json.put("busy_retries", busyRetries.get());
        json.put("unavailable_retries", unavailableRetries.get());
        return json;
    }

    @Override
    public void close() {
        try {
            if (worker != null) {
                worker.close();
            }
        } finally {
            if (process != null) {
                process.close();
            }
        }
    }
}
