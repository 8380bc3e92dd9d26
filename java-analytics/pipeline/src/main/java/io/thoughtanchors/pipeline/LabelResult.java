package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.label.Labeller;
import io.thoughtanchors.pipeline.label.Labelling;

import java.nio.file.Path;
import java.util.List;

/**
 * The labelled traces, in the order read.
 *
 * @param files every file written into the output folder, in order (run.json last)
 */
public record LabelResult(Labeller labeller, List<LabelledTrace> traces, Path outputDir, Path cacheRoot,
                          List<Path> files, List<String> warnings) {

    public LabelResult {
        traces = List.copyOf(traces);
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /** @param file the ta-trace/1 file written */
    public record LabelledTrace(String traceId, Labelling labelling, Path file) {
    }

    public long cachedCount() {
        return traces.stream().filter(t -> t.labelling().cached()).count();
    }
}
