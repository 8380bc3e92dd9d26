package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.WorkerException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker a run talks to, opened on first use: the workers of a remote target, or a child process started for a
 * local one (so a run served from the cache starts none). Opening checks what a run relies on: reachable, contract
 * version, expected model, capabilities; from then on every answer is checked ({@link CheckedModelWorker}).
 */
public final class WorkerLink implements AutoCloseable {

    private final WorkerTarget target;
    private final WorkerConnector connector;
    private final Path localLog;
    private final List<String> requiredCapabilities;
    private LocalWorkerProcess process;
    private ModelWorker worker;
    private ModelInfo info;

    /**
     * @param localLog where a local worker logs (ignored for other targets)
     * @param requiredCapabilities what the worker must be able to do for this run
     */
    public WorkerLink(WorkerTarget target, WorkerConnector connector, Path localLog, List<String> requiredCapabilities) {
        this.target = target;
        this.connector = connector;
        this.localLog = localLog;
        this.requiredCapabilities = List.copyOf(requiredCapabilities);
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
            remote = process.target();
        }
        ModelWorker connected;
        try {
            connected = connector.connect(remote);
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

    private ModelInfo describeModel(ModelWorker connected) {
        try {
            return connected.describe();
        } catch (WorkerException e) {
            String what = switch (e.kind()) {
                case UNAVAILABLE -> "cannot reach " + describe();
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
        }
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
