package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.PassCriterion;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.pipeline.SuppressCheckRequest;
import io.thoughtanchors.pipeline.SuppressCheckResult;
import io.thoughtanchors.pipeline.output.ResultTables;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.worker.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code ta suppress-check}: ARENA's single-sentence suppression check (docs/algorithms.md §13) on one trace. */
@Command(name = "suppress-check", sortOptions = false,
        description = {
            "ARENA's single-sentence suppression check (docs/algorithms.md §13): finds the receiver heads, picks the trace's"
                    + " highest- and lowest-scoring sentence, masks each in the top receiver heads and compares the"
                    + " last position's next-token distribution with the baseline's (full-vocabulary KL).",
            "Pooled attention for the receiver heads is cached as by receivers."},
        footerHeading = "%n",
        footer = {
            "Prints KL_high, KL_low, their ratio and the verdict; with --out also writes",
            "  suppress_check.json   model, options, receiver heads (layer -> heads), both",
            "                        sentences (index, score, token range, text), KL values,",
            "                        ratio, criterion, verdict, kernel",
            "  worker.log            log of the --local worker (without --out: a temporary file)"})
final class SuppressCheckCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "PATH",
            description = "The trace: anything --data takes that holds one trace (a problem_<id> folder, a .txt"
                    + " chain of thought, a .json trace); with --data, the one of those it must be found in.")
    Path tracePath;

    /** With --problem, or for --heads-from DATA. */
    @Mixin
    OptionalDataOption data;

    @Option(names = "--problem", paramLabel = "ID",
            description = "The trace in --data: its id, or a unique end of it after a '/' (a problem id such as 2238,"
                    + " correct/2238).")
    String problem;

    @Option(names = "--heads-from", paramLabel = "WHICH", defaultValue = "TRACE",
            description = "Rank receiver heads on the TRACE alone or on every trace of --data (DATA)"
                    + " (default: ${DEFAULT-VALUE}).")
    SuppressCheckRequest.HeadsFrom headsFrom;

    @Mixin
    WorkerOptions worker;

    /** The receiver-head analysis' option set. */
    @Mixin
    ProfileOption profile;

    @Mixin
    AnalysisOverrides overrides;

    @Option(names = "--suppress-heads", paramLabel = "K", defaultValue = "5",
            description = "Top receiver heads to suppress in (default: ${DEFAULT-VALUE}).")
    int suppressHeads;

    @Option(names = "--truncate-after-sentence", paramLabel = "K",
            description = "Cut the input at the end of sentence K (ARENA: 73); only sentences 0..K are eligible.")
    Integer truncateAfter;

    @Option(names = "--temperature", paramLabel = "TAU", defaultValue = "1.0",
            description = "Softmax temperature of the KL (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--criterion", paramLabel = "CRITERION", defaultValue = "TEN_TIMES",
            description = "Pass criterion: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PassCriterion criterion;

    @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "MASK",
            description = "The worker's attention kernel: MASK (default: the same mask-based kernel for the baseline and"
                    + " both suppressed passes) or MONKEYPATCH (parity with the reference code: a stock eager baseline,"
                    + " each suppressed pass through the reference's replacement kernel, which rounds differently;"
                    + " docs/algorithms.md §11.4).")
    Kernel kernel;

    /** suppress_check.json goes here. */
    @Mixin
    OptionalOutputOptions output;

    @Mixin
    CacheOption cache;

    private final WorkerConnector workers;

    SuppressCheckCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        SuppressCheckResult result = Main.pipeline(workers, spec, output.showProgress()).suppressCheck(request());
        print(spec.commandLine().getOut(), result);
        return ExitStatus.SUCCESS.code;
    }

    private SuppressCheckRequest request() {
        return new SuppressCheckRequest(Optional.ofNullable(tracePath), data.data(), data.options(),
                Optional.ofNullable(problem), headsFrom, output.out(), output.force, cache.cache(), profile.profile,
                overrides.apply(profile.profile.options()), suppressHeads,
                truncateAfter == null ? OptionalInt.empty() : OptionalInt.of(truncateAfter), temperature, criterion,
                kernel, worker.target());
    }

    private static void print(PrintWriter o, SuppressCheckResult c) {
        SingleSentenceCheck.Result r = c.check();
        o.printf(Locale.ROOT, "Suppression check on %s (model %s), %d input tokens%s%n", c.trace().id(),
                c.model().modelId(), c.inputTokens(), c.request().kernel() == Kernel.MASK ? ""
                        : ", kernel " + c.request().kernel());
        o.printf(Locale.ROOT, "  receiver heads suppressed (layer -> heads, ranked on %s): %s%n",
                c.request().headsFrom() == SuppressCheckRequest.HeadsFrom.DATA ? "all traces of --data"
                        : "this trace", c.layerHeads());
        o.println("  high: " + sentenceLine(c, r.selection().high()));
        o.println("  low:  " + sentenceLine(c, r.selection().low()));
        o.printf(Locale.ROOT, "  KL_high = %.6g, KL_low = %.6g, ratio = %.6g%n", r.klHigh(), r.klLow(), r.ratio());
        o.printf(Locale.ROOT, "  %s: KL_high > %s x KL_low (%s)%n", r.passed() ? "PASS" : "FAIL",
                r.criterion().factor(), r.criterion());
        RunSummary.syntheticWeights(o, c.model());
        o.flush();
    }

    private static String sentenceLine(SuppressCheckResult c, int s) {
        return String.format(Locale.ROOT, "sentence %d, receiver score %.6g, tokens [%d, %d): %s", s, c.scores()[s],
                c.ranges().start()[s], c.ranges().end()[s], ResultTables.snippet(c.sentenceText(s)));
    }
}
