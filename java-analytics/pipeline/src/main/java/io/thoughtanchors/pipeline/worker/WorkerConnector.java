package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.RetryListener;
import io.thoughtanchors.worker.grpc.GrpcModelWorker;

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
     * @throws IllegalArgumentException for an address that cannot mean a worker, or connection settings that cannot
     *                                  be used (reported as an invalid request)
     */
    ModelWorker connect(WorkerTarget target);

    /** As {@link #connect(WorkerTarget)}, telling {@code retries} about every call the client retries by itself. */
    default ModelWorker connect(WorkerTarget target, RetryListener retries) {
        return connect(target);
    }

    /** gRPC with health-checked round robin over the target's workers, secured and timed as the target says. */
    WorkerConnector GRPC = new WorkerConnector() {
        @Override
        public ModelWorker connect(WorkerTarget target) {
            return connect(target, RetryListener.NONE);
        }

        @Override
        public ModelWorker connect(WorkerTarget target, RetryListener retries) {
            return GrpcModelWorker.connect(target.addresses(), target.connection(), target.security(), retries);
        }
    };
}
