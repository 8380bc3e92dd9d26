package io.thoughtanchors.pipeline;

import io.thoughtanchors.report.FigureId;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A report run ({@code ta report}): the receiver-head run of {@code receivers}, drawn as the paper's figures and one
 * offline index.html.
 *
 * @param suppression the output folder of an earlier suppression-matrix run (Figure 6)
 * @param focusTrace  the trace drawn sentence by sentence: its id or a unique end of it; empty = the first trace
 *                    with a suppression matrix, else the first trace
 * @param figures     only these PNG figures (each must be drawable); empty = every figure the inputs allow
 */
public record ReportRequest(ReceiversRequest receivers, Optional<Path> suppression, Optional<String> focusTrace,
                            Optional<List<FigureId>> figures) {

    public ReportRequest {
        Objects.requireNonNull(receivers, "receivers");
        Objects.requireNonNull(suppression, "suppression");
        Objects.requireNonNull(focusTrace, "focusTrace");
        figures = figures.map(f -> f.stream().distinct().toList());
        List<FigureId> needSuppression = figures.orElse(List.of()).stream().filter(f -> f == FigureId.SUPPRESSION_MATRIX
                || f == FigureId.SUPPRESSION_BY_DISTANCE).toList();
        if (!needSuppression.isEmpty() && suppression.isEmpty()) {
            throw PipelineException.invalidRequest(needSuppression.get(0).fileStem + " needs --suppression DIR, the"
                    + " output folder of a ta suppression-matrix run");
        }
    }

    public static ReportRequest of(ReceiversRequest receivers) {
        return new ReportRequest(receivers, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public ReportRequest withSuppression(Path suppressionRun) {
        return new ReportRequest(receivers, Optional.of(suppressionRun), focusTrace, figures);
    }

    public ReportRequest withFocusTrace(String trace) {
        return new ReportRequest(receivers, suppression, Optional.of(trace), figures);
    }

    public ReportRequest withFigures(List<FigureId> figures) {
        return new ReportRequest(receivers, suppression, focusTrace, Optional.of(figures));
    }
}
