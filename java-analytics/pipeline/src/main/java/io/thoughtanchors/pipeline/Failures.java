package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.TraceFormatException;
import io.thoughtanchors.pipeline.cache.AtomicFiles;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.worker.WorkerException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns whatever a run throws into the one exception type of the pipeline, classified by kind, and writes it with its
 * stack trace to {@code run.log} in the run's output folder (when the run got as far as creating it). Data, worker
 * and output problems are detected by explicit checks that throw {@link PipelineException}s naming what is wrong;
 * anything else, an {@code IllegalStateException} inside the analysis included, is a bug: INTERNAL.
 */
final class Failures {

    static final String RUN_LOG = OutputFolder.RUN_LOG;

    private Failures() {
    }

    /**
     * @param folder checks (without creating) the run's output folder; may give null for a run without one
     * @param run    the run, which creates the folder once its inputs are read
     */
    static <T> T guard(Supplier<OutputFolder> folder, Function<OutputFolder, T> run) {
        OutputFolder checked = null;
        try {
            checked = folder.get();
            return run.apply(checked);
        } catch (RuntimeException e) {
            throw logged(classify(e), checked);
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

    /** Best effort: a log that cannot be written (the disk may be what failed) must not hide the failure. */
    private static PipelineException logged(PipelineException failure, OutputFolder folder) {
        if (folder == null || !folder.isCreated()) {
            return failure;
        }
        Path log = folder.resolve(RUN_LOG);
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            out.println("ta " + PipelineVersion.get() + ", " + Instant.now() + ": the run failed (" + failure.kind()
                    + ")");
            out.println(failure.getMessage());
            out.println();
            failure.printStackTrace(out);
        }
        try {
            AtomicFiles.writeString(log, text.toString());
            return failure.loggedIn(log);
        } catch (IOException e) {
            failure.addSuppressed(e);
            return failure;
        }
    }
}
