package io.thoughtanchors.cli;

import io.thoughtanchors.worker.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr over traces × layers of forward passes, one step per streamed layer; or nothing. */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(boolean enabled, long layersTotal) {
        if (!enabled) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName("attention").setInitialMax(layersTotal)
                .setUnit(" layers", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build());
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
