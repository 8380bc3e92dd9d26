package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.TraceFormatException;
import io.thoughtanchors.worker.WorkerException;

import java.util.function.Supplier;

/** Turns whatever a run throws into the one exception type of the pipeline, classified by kind. */
final class Failures {

    private Failures() {
    }

    static <T> T guard(Supplier<T> run) {
        try {
            return run.get();
        } catch (RuntimeException e) {
            throw classify(e);
        }
    }

    /** Explicit failures keep their kind; the data reader's and the worker client's get theirs; anything else is a bug. */
    static PipelineException classify(RuntimeException e) {
        if (e instanceof PipelineException p) {
            return p;
        }
        if (e instanceof TraceFormatException) {
            return PipelineException.badInput("cannot read the traces: " + e.getMessage(), e);
        }
        if (e instanceof WorkerException) {
            return PipelineException.worker("worker problem: " + e.getMessage(), e);
        }
        return PipelineException.internal("internal error: " + e, e);
    }
}
