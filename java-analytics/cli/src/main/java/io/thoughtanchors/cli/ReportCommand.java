package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.ReportRequest;
import io.thoughtanchors.pipeline.ReportResult;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.report.FigureId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    private final WorkerConnector workers;

    ReportCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        ReportRequest request = ReportRequest.of(receivers.request(output, worker));
        request = suppressionDir == null ? request : request.withSuppression(suppressionDir);
        request = traceOption == null ? request : request.withFocusTrace(traceOption);
        request = figureNames == null || figureNames.isEmpty() ? request : request.withFigures(figures());
        ReportResult result = Main.pipeline(workers, spec, output.showProgress()).report(request);
        PrintWriter stdout = spec.commandLine().getOut();
        RunSummary.print(stdout, result.receivers());
        printSummary(stdout, result);
        return ExitStatus.SUCCESS.code;
    }

    private List<FigureId> figures() {
        List<FigureId> ids = new ArrayList<>();
        for (String name : figureNames) {
            ids.add(FigureId.byStem(name.trim()).orElseThrow(() -> PipelineException.invalidRequest("unknown figure '"
                    + name + "'; figures: " + Arrays.stream(FigureId.values()).map(f -> f.fileStem)
                    .collect(Collectors.joining(", ")))));
        }
        return ids;
    }

    private static void printSummary(PrintWriter o, ReportResult result) {
        o.printf(Locale.ROOT, "Report: %d figures of trace %s (receiver head %s)%s%n", result.drawn().size(),
                result.model().focus().traceId(), result.model().focus().head(), result.skipped().isEmpty() ? ""
                        : ", skipped " + String.join(", ", result.skipped().keySet().stream().map(f -> f.fileStem)
                        .toList()));
        o.println("  page: " + result.page());
        o.flush();
    }
}
