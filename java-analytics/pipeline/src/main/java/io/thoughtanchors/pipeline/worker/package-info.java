/**
 * Reaching a model worker: the {@link io.thoughtanchors.pipeline.worker.WorkerTarget} a request names, the
 * {@link io.thoughtanchors.pipeline.worker.WorkerConnector} seam (gRPC, or a fake in tests), the link that opens
 * and checks the worker on first use, the local worker process, and the calls that fetch a trace's attention.
 */
package io.thoughtanchors.pipeline.worker;
