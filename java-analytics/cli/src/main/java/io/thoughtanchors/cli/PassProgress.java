package io.thoughtanchors.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr over suppression passes (stored ones count as done), or nothing. Thread-safe. */
final class PassProgress implements AutoCloseable {

    private final ProgressBar bar;

    private PassProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /** @param passesHint expected passes; corrected per trace with {@link #adjustTotal} */
    static PassProgress start(boolean enabled, long passesHint) {
        if (!enabled) {
            return new PassProgress(null);
        }
        return new PassProgress(new ProgressBarBuilder().setTaskName("suppression").setInitialMax(passesHint)
                .setUnit(" passes", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build());
    }

    synchronized void trace(String traceId) {
        if (bar != null) {
            bar.setExtraMessage(traceId);
        }
    }

    /** A trace turned out to need {@code delta} more (or fewer) passes than hinted. */
    synchronized void adjustTotal(long delta) {
        if (bar != null && delta != 0) {
            bar.maxHint(bar.getMax() + delta);
        }
    }

    synchronized void step(int passes) {
        if (bar != null) {
            bar.stepBy(passes);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
