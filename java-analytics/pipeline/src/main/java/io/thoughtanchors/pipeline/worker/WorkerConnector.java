package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.grpc.GrpcModelWorker;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;

/**
 * How the pipeline opens a connection to the workers of a REMOTE target (a local worker is reached as the remote
 * target of its loopback port). The seam where tests put an in-process fake; connection settings beyond the
 * addresses belong in the {@link WorkerTarget}, so that a connector sees everything it needs in one object.
 */
@FunctionalInterface
public interface WorkerConnector {

    /**
     * Connects (lazily is fine) to the workers of {@code target}.
     *
     * @throws IllegalArgumentException for an address that cannot mean a worker (reported as an invalid request)
     */
    ModelWorker connect(WorkerTarget target);

    /** gRPC with health-checked round robin over the target's addresses. */
    WorkerConnector GRPC = target -> GrpcModelWorker.connect(target.addresses(), GrpcWorkerOptions.DEFAULTS);
}
