package io.thoughtanchors.pipeline;

import io.thoughtanchors.report.HeadView;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.util.List;

/**
 * A drawn head view: the tokens and the worker's attention of each requested head (what the page shows, in memory)
 * and where the page went.
 */
public record HeadViewResult(HeadViewRequest request, ModelInfo model, HeadView view, Path file,
                             List<String> warnings) {

    public HeadViewResult {
        warnings = List.copyOf(warnings);
    }
}
