package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.SummaryRequest;
import io.thoughtanchors.pipeline.SummaryResult;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ta summary}: every trace's summary.json recomputed from its step_importance.json (docs/algorithms.md §1.2). */
@Command(name = "summary", sortOptions = false,
        description = {
            "Recomputes each trace's summary.json from its step_importance.json (docs/algorithms.md §1.2): mean, maximum and"
                    + " minimum over the full n x n matrix, the top 5 steps by positive mean outgoing (influential)"
                    + " and incoming (dependent) importance. Needs no worker."},
        footerHeading = "%n",
        footer = {
            "Output files in --out:",
            "  <trace id>/summary.json   the published layout (step texts from chunks_labeled.json)",
            "  summaries.csv             trace_id, num_chunks, avg_importance, max_importance,",
            "                              min_importance, matches_published (empty without a",
            "                              published summary.json)",
            "  run.json                  what was read and written, per trace whether it matches"})
final class SummaryCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    OutputOptions output;

    private final WorkerConnector workers;

    SummaryCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        SummaryResult result = Main.pipeline(workers, spec, output.showProgress())
                .summaries(SummaryRequest.of(data.data, output.out).withDataOptions(data.options())
                        .withForce(output.force));
        PrintWriter out = spec.commandLine().getOut();
        long matching = result.traces().stream().filter(t -> t.matchesPublished().orElse(false)).count();
        out.printf(Locale.ROOT, "Recomputed summary.json of %d traces: %d equal the published summary.json%n",
                result.traces().size(), matching);
        RunSummary.warningsAndFolder(out, result.warnings().size(), result.outputDir().toString());
        out.flush();
        return ExitStatus.SUCCESS.code;
    }
}
