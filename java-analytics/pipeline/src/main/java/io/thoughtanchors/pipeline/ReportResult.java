package io.thoughtanchors.pipeline;

import io.thoughtanchors.report.FigureId;
import io.thoughtanchors.report.ReportModel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report run drew and where.
 *
 * @param receivers the receiver-head run it drew (its tables are in the same folder)
 * @param model     the numbers every chart shows
 * @param drawn     the PNG figures written to figures/
 * @param skipped   figures the inputs do not allow, with why
 * @param page      index.html
 * @param files     every file written into the output folder, in order (run.json last)
 */
public record ReportResult(ReceiversResult receivers, ReportModel model, List<FigureId> drawn,
                           Map<FigureId, String> skipped, Path page, List<Path> files, List<String> warnings) {

    public ReportResult {
        drawn = List.copyOf(drawn);
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }
}
