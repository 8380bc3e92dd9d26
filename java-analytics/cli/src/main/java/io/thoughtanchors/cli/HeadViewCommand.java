package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.data.TextFiles;
import io.thoughtanchors.data.TraceFormatException;
import io.thoughtanchors.pipeline.HeadViewRequest;
import io.thoughtanchors.pipeline.HeadViewResult;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.report.HeadView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ta head-view}: one short text's token-level attention in chosen heads, as one offline HTML page. */
@Command(name = "head-view", sortOptions = false,
        description = {
            "Draws one short text's attention, token by token, in the heads you name: for each head the query x key"
                    + " matrix with the tokens on both axes (hover: the pair and its weight) and the text coloured by"
                    + " a chosen query token's attention. One self-contained HTML file that works offline.",
            "The numbers are the worker's RAW float32 attention of exactly these heads. Texts of more than "
                    + HeadView.MAX_TOKENS + " tokens (the worker's tokenizer, BOS included) are refused before any"
                    + " forward pass (status 3): use ta receivers and ta report for long chains of thought."},
        footerHeading = "%n",
        footer = {
            "Heads: --layer 1 --head 2 (several: --head 0 --head 3, or --head 0,3),",
            "or --heads 1:2,3:0 for heads of several layers."})
final class HeadViewCommand implements Callable<Integer> {

    private static final Pattern LAYER_HEAD = Pattern.compile("(\\d+):(\\d+)");

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    static final class Text {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text, exactly as the model reads it (the"
                + " worker adds BOS).")
        String text;

        @Option(names = "--text-file", paramLabel = "FILE", description = "The text from a UTF-8 file (one final line"
                + " break dropped).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Text text;

    @Option(names = "--layer", paramLabel = "L", description = "The layer of the --head heads (from 0).")
    Integer layer;

    @Option(names = "--head", split = ",", paramLabel = "H", description = "Query head(s) of --layer to draw (from 0;"
            + " repeatable).")
    List<Integer> heads = List.of();

    @Option(names = "--heads", split = ",", paramLabel = "L:H", description = "Heads of any layers, e.g. 1:2,3:0"
            + " (instead of --layer/--head).")
    List<String> layerHeads = List.of();

    @Mixin
    WorkerOptions worker;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML page to write (its"
            + " folder is created if missing).")
    Path out;

    @Option(names = "--force", description = "Replace an existing page.")
    boolean force;

    private final WorkerConnector workers;

    HeadViewCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        HeadViewRequest request = HeadViewRequest.of(text(), heads(), out).withForce(force)
                .withWorker(worker.target());
        HeadViewResult result = Main.pipeline(workers, spec, false).headView(request);
        PrintWriter o = spec.commandLine().getOut();
        o.println("Head view of " + result.view().size() + " tokens in " + String.join(", ", result.view().heads()
                .stream().map(HeadView.HeadMatrix::label).toList()) + " (" + result.model().modelId() + ")");
        o.println("  page: " + result.file());
        RunSummary.syntheticWeights(o, result.model());
        o.flush();
        return ExitStatus.SUCCESS.code;
    }

    private List<Head> heads() {
        if (!layerHeads.isEmpty()) {
            if (layer != null || !heads.isEmpty()) {
                throw PipelineException.invalidRequest("give --heads L:H,... or --layer with --head, not both");
            }
            List<Head> parsed = new ArrayList<>();
            for (String pair : layerHeads) {
                Matcher m = LAYER_HEAD.matcher(pair.strip());
                if (!m.matches()) {
                    throw PipelineException.invalidRequest("--heads takes LAYER:HEAD pairs such as 1:2, got " + pair);
                }
                parsed.add(new Head(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            }
            return parsed;
        }
        if (layer == null || heads.isEmpty()) {
            throw PipelineException.invalidRequest("give --layer L with --head H (or --heads L:H,...)");
        }
        return heads.stream().map(h -> new Head(layer, h)).toList();
    }

    private String text() {
        if (text.file == null) {
            return text.text;
        }
        try {
            return TextFiles.readUtf8(text.file).replaceFirst("\r?\n\\z", "");
        } catch (TraceFormatException e) {
            throw PipelineException.badInput("--text-file: " + e.getMessage(), e);
        }
    }
}
