package io.thoughtanchors.cli;

import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.WorkerException;

import java.util.List;
import java.util.Optional;

/**
 * The worker a run talks to, opened on first use: workers at given addresses, or a child process started for
 * --local. Opening checks what a run relies on: reachable, contract version, expected model, capabilities.
 */
final class WorkerLink implements AutoCloseable {

    private final WorkerFactory factory;
    private final List<String> addresses;
    private final LocalWorkerProcess.Launch launch;
    private final Optional<String> expectedModel;
    private final List<String> requiredCapabilities;
    private LocalWorkerProcess process;
    private ModelWorker worker;
    private ModelInfo info;

    private WorkerLink(WorkerFactory factory, List<String> addresses, LocalWorkerProcess.Launch launch,
                       Optional<String> expectedModel, List<String> requiredCapabilities) {
        this.factory = factory;
        this.addresses = List.copyOf(addresses);
        this.launch = launch;
        this.expectedModel = expectedModel;
        this.requiredCapabilities = List.copyOf(requiredCapabilities);
    }

    static WorkerLink remote(WorkerFactory factory, List<String> addresses, Optional<String> expectedModel,
                             List<String> requiredCapabilities) {
        return new WorkerLink(factory, addresses, null, expectedModel, requiredCapabilities);
    }

    static WorkerLink local(WorkerFactory factory, LocalWorkerProcess.Launch launch, Optional<String> expectedModel,
                            List<String> requiredCapabilities) {
        return new WorkerLink(factory, List.of(), launch, expectedModel, requiredCapabilities);
    }

    boolean isLocal() {
        return launch != null;
    }

    /** For messages: "the worker at a:1,b:2" or "the local worker (tiny-qwen2)". */
    String target() {
        return isLocal() ? "the local worker (" + launch.model() + ")" : "the worker at " + String.join(",", addresses);
    }

    List<String> addresses() {
        return addresses;
    }

    /** Whether the run needed the worker (a cache-only run with --local starts none). */
    boolean isOpen() {
        return worker != null;
    }

    ModelInfo info() {
        open();
        return info;
    }

    ModelWorker worker() {
        open();
        return worker;
    }

    private void open() {
        if (worker != null) {
            return;
        }
        List<String> targets = addresses;
        if (isLocal()) {
            process = LocalWorkerProcess.start(launch);
            targets = List.of("127.0.0.1:" + process.port());
        }
        try {
            worker = factory.connect(targets);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        info = check(describe());
    }

    private ModelInfo describe() {
        try {
            return worker.describe();
        } catch (WorkerException e) {
            String what = switch (e.kind()) {
                case UNAVAILABLE -> "cannot reach " + target();
                case CONTRACT_MISMATCH -> target() + " does not speak this client's contract";
                default -> target() + " failed to describe its model";
            };
            throw CliFailure.worker(what + " (" + e.getMessage() + ")", e);
        }
    }

    private ModelInfo check(ModelInfo described) {
        if (described.contractVersion() != ModelInfo.CONTRACT_VERSION) {
            throw CliFailure.worker(target() + " speaks contract version " + described.contractVersion()
                    + ", this client speaks " + ModelInfo.CONTRACT_VERSION, null);
        }
        if (expectedModel.isPresent() && !expectedModel.get().equals(described.modelId())) {
            throw CliFailure.worker(target() + " serves " + described.modelId() + ", expected " + expectedModel.get(),
                    null);
        }
        for (String capability : requiredCapabilities) {
            if (!described.hasCapability(capability)) {
                throw CliFailure.worker(target() + " lacks the capability " + capability + " (it has "
                        + described.capabilities() + ")", null);
            }
        }
        return described;
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
