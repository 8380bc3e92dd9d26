package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.output.GeneratedTrace;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.util.List;

/**
 * A generated trace and where it went.
 *
 * @param file the ta-trace/1 file written ({@code out/<id>.json})
 */
public record GenerateResult(GenerateRequest request, ModelInfo model, GeneratedTrace trace, Path file,
                             List<String> warnings) {

    public GenerateResult {
        warnings = List.copyOf(warnings);
    }
}
