package io.thoughtanchors.cli;

import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.grpc.GrpcModelWorker;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;

import java.util.List;

/** How commands reach a model worker; the seam where tests put an in-process fake. */
@FunctionalInterface
public interface WorkerFactory {

    /** Connects (lazily is fine) to workers at {@code host:port} addresses; bad ones throw IllegalArgumentException. */
    ModelWorker connect(List<String> addresses);

    WorkerFactory GRPC = addresses -> GrpcModelWorker.connect(addresses, GrpcWorkerOptions.DEFAULTS);
}
