package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;

/** What a run reports, on the terminal: warnings as "ta: warning: …" lines, stages as progress bars on stderr. */
final class TerminalListener implements PipelineListener {

    private final PrintWriter err;
    private final boolean progressBars;
    private final Map<Stage, ProgressBar> bars = new EnumMap<>(Stage.class);

    /** @param progressBars whether stages are shown as progress bars (on the process's stderr) */
    TerminalListener(PrintWriter err, boolean progressBars) {
        this.err = err;
        this.progressBars = progressBars;
    }

    @Override
    public void warning(String message) {
        err.println("ta: warning: " + message);
        err.flush();
    }

    @Override
    public void started(Stage stage, long total) {
        if (progressBars) {
            bars.put(stage, new ProgressBarBuilder().setTaskName(stage.label).setInitialMax(total)
                    .setUnit(" " + stage.unit, 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .build());
        }
    }

    @Override
    public void progressed(Stage stage, long done, long total, String item) {
        ProgressBar bar = bars.get(stage);
        if (bar != null) {
            if (bar.getMax() != total) {
                bar.maxHint(total);
            }
            bar.setExtraMessage(item);
            bar.stepTo(done);
        }
    }

    @Override
    public void finished(Stage stage) {
        ProgressBar bar = bars.remove(stage);
        if (bar != null) {
            bar.close();
        }
    }
}
