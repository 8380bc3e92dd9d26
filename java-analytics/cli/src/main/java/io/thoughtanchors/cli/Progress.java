package io.thoughtanchors.cli;

import io.thoughtanchors.worker.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr, or nothing: over traces × layers of forward passes (one step per streamed layer),
 * or over any counted work such as figures.
 */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(boolean enabled, long layersTotal) {
        return counting(enabled, "attention", " layers", layersTotal);
    }

    /** @param unit shown after the counts, with its leading space */
    static Progress counting(boolean enabled, String task, String unit, long total) {
        if (!enabled) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUnit(unit, 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build());
    }

    /** One unit of counted work done; the bar shows {@code message} meanwhile. */
    void step(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
            bar.step();
        }
    }

    /** The listener for one trace's forward pass; the bar shows the trace id meanwhile. */
    ProgressListener forTrace(String traceId) {
        if (bar == null) {
            return ProgressListener.NONE;
        }
        bar.setExtraMessage(traceId);
        return (done, total) -> bar.step();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
