package io.thoughtanchors.worker.grpc;

/**
 * A reply that breaks the wire contract, found while decoding. {@link GrpcModelWorker} turns it
 * into a CONTRACT_MISMATCH {@link io.thoughtanchors.worker.WorkerException} that says which
 * call and chunk it came from.
 */
final class ContractViolation extends RuntimeException {

    ContractViolation(String message) {
        super(message);
    }

    ContractViolation(String message, Throwable cause) {
        super(message, cause);
    }
}
