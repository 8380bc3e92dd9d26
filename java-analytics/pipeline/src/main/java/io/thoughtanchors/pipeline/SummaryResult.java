package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.compare.StepImportanceSummary;

import java.nio.file.Path;
import java.util.List;

/**
 * The recomputed summaries, per trace with a step-importance matrix, in the order read.
 *
 * @param files every file written into the output folder, in order (run.json last)
 */
public record SummaryResult(List<TraceSummary> traces, Path outputDir, List<Path> files, List<String> warnings) {

    public SummaryResult {
        traces = List.copyOf(traces);
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param summary           recomputed from step_importance.json
     * @param matchesPublished  whether it equals the trace's published summary.json (statistics to 1e-12, the same
     *                          top steps in the same order)
     */
    public record TraceSummary(String traceId, StepImportanceSummary summary, boolean matchesPublished) {
    }
}
