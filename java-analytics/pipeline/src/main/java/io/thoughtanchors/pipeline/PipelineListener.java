package io.thoughtanchors.pipeline;

import java.nio.file.Path;

/**
 * What a run reports while it works: warnings, progress of its counted stages and every cache entry it stores.
 * Every method has a no-op default, so a listener implements only what it shows. A run calls its listener from one
 * thread at a time (calls from its worker threads are serialised), in the order the events happen.
 */
public interface PipelineListener {

    /** Listens to nothing. */
    PipelineListener NONE = new PipelineListener() {
    };

    /** The counted stages of a run, with what they count. */
    enum Stage {
        /** Pooled-attention forward passes, one unit per streamed layer of a trace that is not cached. */
        ATTENTION("attention", "layers"),
        /** The re-segmentation null's finer pooled-attention passes, one unit per streamed layer of a trace. */
        SEGMENTATION_NULL("re-segmentation null", "layers"),
        /** Traces handed to the receiver-head analysis. */
        ANALYSIS("analysis", "traces"),
        /** Suppression forward passes (stored ones count as done). */
        SUPPRESSION("suppression", "passes"),
        /** Figures drawn by a report. */
        FIGURES("figures", "figures"),
        /** Tokens generated (out of the request's max new tokens; a generation may end sooner). */
        GENERATION("generation", "tokens"),
        /** Traces labelled (cached ones count as done). */
        LABELLING("labelling", "traces");

        public final String label;
        public final String unit;

        Stage(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }
    }

    /** Something the user should know; the run also keeps every warning in its result and run.json. */
    default void warning(String message) {
    }

    /** A stage begins with {@code total} units of work (a first estimate for {@link Stage#SUPPRESSION}). */
    default void started(Stage stage, long total) {
    }

    /**
     * {@code done} of {@code total} units are finished; {@code item} is what is being worked on (a trace id, a
     * figure). {@code total} may change while a stage runs.
     */
    default void progressed(Stage stage, long done, long total, String item) {
    }

    default void finished(Stage stage) {
    }

    /** A cache entry of trace {@code traceId} was written to {@code file}; it survives whatever happens next. */
    default void stored(String traceId, Path file) {
    }
}
