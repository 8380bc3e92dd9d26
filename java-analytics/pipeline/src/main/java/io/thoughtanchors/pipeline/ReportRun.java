package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.PipelineListener.Stage;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.output.SuppressionResults;
import io.thoughtanchors.pipeline.report.ReportModelBuilder;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.report.FigureId;
import io.thoughtanchors.report.HtmlReport;
import io.thoughtanchors.report.ReportModel;
import io.thoughtanchors.report.StaticFigures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A report run: the receiver-head run (its tables written as by receivers), then the figures, index.html,
 * report.json and, last, run.json.
 */
final class ReportRun {

    /** What the input checks found, before the output folder is created. */
    private int focus;
    private Optional<double[][]> suppressionMatrix = Optional.empty();
    private Optional<double[][]> placeboMeans = Optional.empty();

    private final ReportRequest request;
    private final RunEvents events;

    private ReportRun(ReportRequest request, RunEvents events) {
        this.request = request;
        this.events = events;
    }

    static ReportResult run(ReportRequest request, OutputFolder folder, WorkerConnector connector, RunEvents events) {
        return new ReportRun(request, events).run(folder, connector);
    }

    private ReportResult run(OutputFolder folder, WorkerConnector connector) {
        ReceiversRequest receivers = request.receivers();
        Optional<SuppressionResults> suppression = request.suppression().map(SuppressionResults::open);
        ReceiversRun.Outcome outcome = ReceiversRun.run("report", receivers, folder, connector, events,
                plans -> checkInputs(plans, suppression));
        ReceiversResult run = outcome.result(receivers, folder, events.warnings());
        suppression.ifPresent(s -> checkSameModel(s, run));
        ReportModel model = ReportModelBuilder.build(run, receivers.profile().name(),
                receivers.data().toAbsolutePath().normalize().toString(), focus, suppressionMatrix, placeboMeans);
        Map<FigureId, String> skipped = new LinkedHashMap<>();
        List<FigureId> drawn = drawable(model, skipped);
        try (StageProgress progress = new StageProgress(events, Stage.FIGURES, drawn.size())) {
            for (FigureId id : drawn) {
                folder.write("figures/" + id.fileStem + ".png", StaticFigures.render(model, id));
                progress.advance(1, id.fileStem);
            }
        }
        folder.write("index.html", HtmlReport.render(model, drawn));
        folder.write("report.json", Json.write(reportJson(model, suppression, drawn, skipped)));
        outcome.runJson().put("warnings", events.warnings());
        folder.write(OutputFolder.RUN_JSON, Json.write(outcome.runJson()));
        return new ReportResult(outcome.result(receivers, folder, events.warnings()), model, drawn, skipped,
                folder.resolve("index.html"), folder.written(), events.warnings());
    }

    /** Focus trace, its suppression matrix, and figures that can already be told undrawable. */
    private void checkInputs(List<TracePlan> plans, Optional<SuppressionResults> suppression) {
        focus = focusIndex(plans, suppression);
        TracePlan plan = plans.get(focus);
        suppressionMatrix = suppression.map(s -> s.matrix(plan.id()).orElseThrow(() -> PipelineException.badInput(
                "results missing for Figure 6: " + s.file(plan.id()) + " does not exist (run ta suppression-matrix"
                        + " on trace " + plan.id() + ", or pick another --trace)", null)));
        placeboMeans = suppression.flatMap(s -> s.placeboMeans(plan.id(), plan.layout().size()));
        suppressionMatrix.ifPresent(e -> {
            if (e.length != plan.layout().size()) {
                throw PipelineException.badInput("the suppression matrix of " + plan.id() + " has " + e.length
                        + " sentences but this analysis has " + plan.layout().size() + " (different --profile or"
                        + " sentence options in the two runs?)", null);
            }
        });
        if (request.figures().orElse(List.of()).contains(FigureId.RELIABILITY) && plans.size() < 2) {
            throw PipelineException.badInput(FigureId.RELIABILITY.fileStem + " needs at least two traces; --data has "
                    + plans.size(), null);
        }
    }

    private int focusIndex(List<TracePlan> plans, Optional<SuppressionResults> suppression) {
        if (request.focusTrace().isPresent()) {
            String wanted = request.focusTrace().get();
            List<Integer> matches = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                String id = plans.get(i).id();
                if (id.equals(wanted) || id.endsWith("/" + wanted)) {
                    matches.add(i);
                }
            }
            if (matches.size() != 1) {
                throw PipelineException.invalidRequest("--trace " + wanted + (matches.isEmpty() ? " matches no"
                        : " matches " + matches.size()) + " traces; traces: " + plans.stream().map(TracePlan::id)
                        .collect(Collectors.joining(", ")));
            }
            return matches.get(0);
        }
        for (int i = 0; suppression.isPresent() && i < plans.size(); i++) {
            if (suppression.get().has(plans.get(i).id())) {
                return i;
            }
        }
        return 0;
    }

    private void checkSameModel(SuppressionResults s, ReceiversResult run) {
        String receiversModel = run.model().modelId();
        String suppressionModel = s.modelId();
        if (!suppressionModel.equals(receiversModel)) {
            throw PipelineException.badInput("--suppression " + s.dir() + " was computed with model "
                    + suppressionModel + ", this analysis with " + receiversModel + "; the receiver results are in "
                    + request.receivers().out(), null);
        }
    }

    /** Figures asked for by name must be drawable; by default the undrawable ones are skipped with a warning. */
    private List<FigureId> drawable(ReportModel model, Map<FigureId, String> skipped) {
        List<FigureId> drawn = new ArrayList<>();
        for (FigureId id : request.figures().orElse(List.of(FigureId.values()))) {
            Optional<String> missing = id.missingIn(model);
            if (missing.isEmpty()) {
                drawn.add(id);
            } else if (request.figures().isPresent()) {
                throw PipelineException.badInput("results missing for figure " + id.fileStem + ": " + missing.get()
                        + "; the receiver results are in " + request.receivers().out(), null);
            } else {
                skipped.put(id, missing.get());
                events.warning("figure " + id.fileStem + " skipped: " + missing.get());
            }
        }
        return drawn;
    }

    private static Map<String, Object> reportJson(ReportModel model, Optional<SuppressionResults> suppression,
                                                  List<FigureId> drawn, Map<FigureId, String> skipped) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("focus_trace", model.focus().traceId());
        json.put("receiver_head", model.focus().head().toString());
        json.put("suppression", suppression.map(s -> s.file(model.focus().traceId()).toString()).orElse(null));
        json.put("suppression_colour_range", model.suppression().map(s -> List.of(s.colourLow(), s.colourHigh()))
                .orElse(null));
        List<Map<String, String>> figures = new ArrayList<>();
        for (FigureId id : drawn) {
            figures.add(Map.of("id", id.fileStem, "file", "figures/" + id.fileStem + ".png", "caption", id.caption));
        }
        json.put("figures", figures);
        Map<String, String> why = new LinkedHashMap<>();
        skipped.forEach((id, reason) -> why.put(id.fileStem, reason));
        json.put("skipped", why);
        json.put("page", "index.html");
        return json;
    }
}
