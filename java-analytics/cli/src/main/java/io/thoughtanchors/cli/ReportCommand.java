package io.thoughtanchors.cli;

import io.thoughtanchors.report.FigureId;
import io.thoughtanchors.report.HtmlReport;
import io.thoughtanchors.report.ReportModel;
import io.thoughtanchors.report.StaticFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code ta report}: a receivers run drawn as the paper's figures and one interactive, offline HTML page. */
@Command(name = "report", sortOptions = false,
        description = {
            "Runs the receiver-head analysis of a folder of traces (the attention cache makes a rerun cheap) and"
                    + " draws it: the paper's Figures 4-6 as PNG files and one self-contained index.html with"
                    + " interactive charts (hover a sentence or a matrix cell for its text, category and scores).",
            "Figure 6 (suppression) is drawn from the output folder of an earlier ta suppression-matrix run"
                    + " (--suppression)."},
        footerHeading = "%n",
        footer = {
            "Output files in --out:",
            "  index.html        the report: run settings at the top, then every chart; works offline",
            "  figures/*.png     the static figures (stems below)",
            "  report.json       focus trace, suppression source, figures drawn and skipped (with why)",
            "  *.csv, results.json, run.json, worker.log   as written by ta receivers",
            "",
            "Figures (--figures takes these stems; default: every one the inputs allow):",
            "  fig4a_receiver_head_matrix, fig4b_layer_vertical_scores, fig4c_kurtosis_by_layer,",
            "  fig4d_kurtosis_histogram, fig4e_split_half_reliability (>= 2 traces),",
            "  fig5_receiver_score_by_category, fig6a_suppression_matrix and fig6b_suppression_by_distance",
            "  (need --suppression), receiver_vs_counterfactual (needs counterfactual importance),",
            "  sentence_receiver_scores, sentence_vertical_scores"})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    ReceiversOptions receivers;

    /** --worker or --local; neither is fine when the cache holds every trace. */
    @Mixin
    WorkerOptions worker;

    @Mixin
    OutputOptions output;

    @Option(names = "--suppression", paramLabel = "DIR",
            description = "Output folder of a ta suppression-matrix run over (at least) the focus trace: Figure 6.")
    Path suppressionDir;

    @Option(names = "--trace", paramLabel = "ID",
            description = "The trace drawn sentence by sentence: its id or a unique end of it, e.g. problem_2238"
                    + " (default: the first trace with a suppression matrix, else the first trace).")
    String traceOption;

    @Option(names = "--figures", paramLabel = "STEM", split = ",",
            description = "Only these PNG figures (comma-separated stems; the page still shows every chart the"
                    + " results allow); a figure asked for by name must be drawable.")
    List<String> figureNames;

    private final WorkerFactory workers;

    ReportCommand(WorkerFactory workers) {
        this.workers = workers;
    }

    /** What the input checks found, before the output folder is created. */
    private int focus;
    private Optional<double[][]> suppressionMatrix = Optional.empty();

    @Override
    public Integer call() {
        OutputFolder folder = output.folder();
        Optional<List<FigureId>> asked = askedFigures();
        Optional<SuppressionResults> suppression = Optional.ofNullable(suppressionDir).map(SuppressionResults::open);
        PrintWriter stdout = spec.commandLine().getOut();
        ReceiversRun.Outcome run = new ReceiversRun("report", receivers, worker, workers, output.showProgress(),
                this::warn).run(folder, stdout, plans -> checkInputs(plans, suppression, asked));
        suppression.ifPresent(s -> checkSameModel(s, run));
        ReportModel model = ReportModelBuilder.build(run, receivers.profile.name(),
                receivers.data.toAbsolutePath().normalize().toString(), focus, suppressionMatrix);
        Map<FigureId, String> skipped = new LinkedHashMap<>();
        List<FigureId> drawn = drawable(model, asked, skipped);
        drawFigures(model, drawn, folder);
        folder.write("index.html", HtmlReport.render(model, drawn));
        folder.write("report.json", Json.write(reportJson(model, suppression, drawn, skipped)));
        printSummary(stdout, model, drawn, skipped, folder);
        return ExitStatus.SUCCESS.code;
    }

    private Optional<List<FigureId>> askedFigures() {
        if (figureNames == null || figureNames.isEmpty()) {
            return Optional.empty();
        }
        List<FigureId> ids = new ArrayList<>();
        for (String name : figureNames) {
            ids.add(FigureId.byStem(name.trim()).orElseThrow(() -> CliFailure.usage("unknown figure '" + name
                    + "'; figures: " + Arrays.stream(FigureId.values()).map(f -> f.fileStem)
                    .collect(Collectors.joining(", ")))));
        }
        List<FigureId> needSuppression = ids.stream().filter(f -> f == FigureId.SUPPRESSION_MATRIX
                || f == FigureId.SUPPRESSION_BY_DISTANCE).toList();
        if (!needSuppression.isEmpty() && suppressionDir == null) {
            throw CliFailure.usage(needSuppression.get(0).fileStem + " needs --suppression DIR, the output folder of"
                    + " a ta suppression-matrix run");
        }
        return Optional.of(ids.stream().distinct().toList());
    }

    /** Focus trace, its suppression matrix, and figures that can already be told undrawable. */
    private void checkInputs(List<TracePlan> plans, Optional<SuppressionResults> suppression,
                             Optional<List<FigureId>> asked) {
        focus = focusIndex(plans, suppression);
        TracePlan plan = plans.get(focus);
        suppressionMatrix = suppression.map(s -> s.matrix(plan.id()).orElseThrow(() -> CliFailure.badInput(
                "results missing for Figure 6: " + s.file(plan.id()) + " does not exist (run ta suppression-matrix"
                        + " on trace " + plan.id() + ", or pick another --trace)", null)));
        suppressionMatrix.ifPresent(e -> {
            if (e.length != plan.layout().size()) {
                throw CliFailure.badInput("the suppression matrix of " + plan.id() + " has " + e.length
                        + " sentences but this analysis has " + plan.layout().size() + " (different --profile or"
                        + " sentence options in the two runs?)", null);
            }
        });
        if (asked.orElse(List.of()).contains(FigureId.RELIABILITY) && plans.size() < 2) {
            throw CliFailure.badInput(FigureId.RELIABILITY.fileStem + " needs at least two traces; --data has "
                    + plans.size(), null);
        }
    }

    private int focusIndex(List<TracePlan> plans, Optional<SuppressionResults> suppression) {
        if (traceOption != null) {
            List<Integer> matches = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                String id = plans.get(i).id();
                if (id.equals(traceOption) || id.endsWith("/" + traceOption)) {
                    matches.add(i);
                }
            }
            if (matches.size() != 1) {
                throw CliFailure.usage("--trace " + traceOption + (matches.isEmpty() ? " matches no" : " matches "
                        + matches.size()) + " traces; traces: " + plans.stream().map(TracePlan::id)
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

    private void checkSameModel(SuppressionResults s, ReceiversRun.Outcome run) {
        String receiversModel = run.filled().model().modelId();
        String suppressionModel = s.modelId();
        if (!suppressionModel.equals(receiversModel)) {
            throw CliFailure.badInput("--suppression " + s.dir() + " was computed with model " + suppressionModel
                    + ", this analysis with " + receiversModel + "; the receiver results are in " + output.out, null);
        }
    }

    /** Figures asked for by name must be drawable; by default the undrawable ones are skipped with a warning. */
    private List<FigureId> drawable(ReportModel model, Optional<List<FigureId>> asked, Map<FigureId, String> skipped) {
        List<FigureId> drawn = new ArrayList<>();
        for (FigureId id : asked.orElse(List.of(FigureId.values()))) {
            Optional<String> missing = id.missingIn(model);
            if (missing.isEmpty()) {
                drawn.add(id);
            } else if (asked.isPresent()) {
                throw CliFailure.badInput("results missing for figure " + id.fileStem + ": " + missing.get()
                        + "; the receiver results are in " + output.out, null);
            } else {
                skipped.put(id, missing.get());
                warn("figure " + id.fileStem + " skipped: " + missing.get());
            }
        }
        return drawn;
    }

    private void drawFigures(ReportModel model, List<FigureId> figures, OutputFolder folder) {
        try (Progress progress = Progress.counting(output.showProgress(), "figures", " figures", figures.size())) {
            for (FigureId id : figures) {
                folder.write("figures/" + id.fileStem + ".png", StaticFigures.render(model, id));
                progress.step(id.fileStem);
            }
        }
    }

    private Map<String, Object> reportJson(ReportModel model, Optional<SuppressionResults> suppression,
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

    private void printSummary(PrintWriter o, ReportModel model, List<FigureId> drawn, Map<FigureId, String> skipped,
                              OutputFolder folder) {
        o.printf(Locale.ROOT, "Report: %d figures of trace %s (receiver head %s)%s%n", drawn.size(),
                model.focus().traceId(), model.focus().head(), skipped.isEmpty() ? ""
                        : ", skipped " + String.join(", ", skipped.keySet().stream().map(f -> f.fileStem).toList()));
        o.println("  page: " + folder.resolve("index.html"));
        o.flush();
    }

    private void warn(String message) {
        spec.commandLine().getErr().println("ta: warning: " + message);
        spec.commandLine().getErr().flush();
    }
}
