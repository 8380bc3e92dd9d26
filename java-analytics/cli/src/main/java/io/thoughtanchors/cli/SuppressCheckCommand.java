package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.PassCriterion;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ta suppress-check}: ARENA's single-sentence suppression check (spec §10.6) on one trace. */
@Command(name = "suppress-check", sortOptions = false,
        description = {
            "ARENA's single-sentence suppression check (spec §10.6): finds the receiver heads, picks the trace's"
                    + " highest- and lowest-scoring sentence, masks each in the top receiver heads and compares the"
                    + " last position's next-token distribution with the baseline's (full-vocabulary KL).",
            "Pooled attention for the receiver heads is cached as by receivers."},
        footerHeading = "%n",
        footer = {
            "Prints KL_high, KL_low, their ratio and the verdict; with --out also writes",
            "  suppress_check.json   model, options, receiver heads (layer -> heads), both",
            "                        sentences (index, score, token range, text), KL values,",
            "                        ratio, criterion, verdict",
            "  worker.log            log of the --local worker (without --out: a temporary file)"})
final class SuppressCheckCommand implements Callable<Integer> {

    static final List<String> CAPABILITIES = List.of(ReceiversRun.POOLED_ATTENTION, "logits.full",
            "suppression.per_head");

    /** Which traces rank the receiver heads. */
    enum HeadsFrom { TRACE, DATA }

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "DIR", description = "The trace: a problem_<id> folder.")
    Path traceDir;

    @Option(names = "--data", paramLabel = "DIR", description = "A folder of traces (with --problem, or for --heads-from DATA).")
    Path data;

    @Option(names = "--problem", paramLabel = "ID",
            description = "The trace in --data: a problem id (2238) or a trace id suffix (correct/2238).")
    String problem;

    @Option(names = "--heads-from", paramLabel = "WHICH", defaultValue = "TRACE",
            description = "Rank receiver heads on the TRACE alone or on every trace of --data (DATA)"
                    + " (default: ${DEFAULT-VALUE}).")
    HeadsFrom headsFrom;

    @Mixin
    WorkerOptions worker;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "RECOMMENDED",
            description = "Option set of the receiver-head analysis: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Profile profile;

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

    @Option(names = "--out", paramLabel = "DIR", description = "Also write suppress_check.json here.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Attention cache (default: <out>/../.ta-cache, or ./.ta-cache without --out).")
    Path cacheDir;

    @Option(names = "--force", description = "Write into an existing output folder.")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    private final WorkerFactory workers;

    SuppressCheckCommand(WorkerFactory workers) {
        this.workers = workers;
    }

    /** What the check found. */
    record Outcome(ModelInfo model, Trace trace, List<Head> heads, Map<Integer, List<Integer>> layerHeads,
                   double[] scores, TokenRanges ranges, int inputTokens, SingleSentenceCheck.Result result) {
    }

    @Override
    public Integer call() {
        AnalysisOptions options = overrides.apply(profile.options());
        validate();
        Optional<OutputFolder> output = Optional.ofNullable(out).map(o -> OutputFolder.check(o, force));
        List<Trace> traces = readTraces();
        Trace target = target(traces);
        List<TracePlan> plans = (headsFrom == HeadsFrom.DATA ? traces : List.of(target)).stream()
                .map(t -> TracePlan.of(t, options)).toList();
        output.ifPresent(OutputFolder::create);
        List<String> warnings = new ArrayList<>();
        AttentionCache cache = new AttentionCache(AttentionCache.root(cacheDir, output.map(OutputFolder::dir).orElse(null)), w -> warn(warnings, w));
        Outcome outcome;
        try (WorkerLink link = openLink(output)) {
            CacheFiller.Filled filled = new CacheFiller(cache, options, link, worker.modelFilter(), !noProgress)
                    .fill(plans);
            int index = plans.stream().map(TracePlan::id).toList().indexOf(target.id());
            ReceiverHeadResult heads = receiverHeads(plans, filled, options, cache);
            outcome = check(link, target, heads, index, filled.entries().get(index).ranges());
        }
        print(spec.commandLine().getOut(), outcome);
        output.ifPresent(o -> o.write("suppress_check.json", Json.write(json(outcome, options, warnings))));
        return ExitStatus.SUCCESS.code;
    }

    private void validate() {
        if (traceDir == null && (data == null || problem == null)) {
            throw CliFailure.usage("give --trace DIR, or --data DIR with --problem ID");
        }
        if (traceDir != null && problem != null) {
            throw CliFailure.usage("--trace and --problem exclude each other");
        }
        if (headsFrom == HeadsFrom.DATA && data == null) {
            throw CliFailure.usage("--heads-from DATA needs --data");
        }
        if (suppressHeads < 1) {
            throw CliFailure.usage("--suppress-heads must be at least 1, got " + suppressHeads);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw CliFailure.usage("--temperature must be finite and > 0, got " + temperature);
        }
        worker.validate(true);
    }

    /** --data's traces (all of them, for --heads-from DATA), or the one --trace folder. */
    private List<Trace> readTraces() {
        return data != null ? TraceReader.readTree(data) : List.of(TraceReader.readTrace(traceDir));
    }

    private Trace target(List<Trace> traces) {
        if (data == null) {
            return traces.get(0);
        }
        Trace chosen = traceDir != null ? TraceReader.readTrace(traceDir) : null;
        List<Trace> matches = traces.stream().filter(t -> chosen != null ? t.id().equals(chosen.id())
                : t.id().endsWith("/" + problem)).toList();
        if (matches.size() != 1) {
            String what = chosen != null ? "trace " + chosen.id() : "problem " + problem;
            throw CliFailure.usage((matches.isEmpty() ? what + " is not in " : what + " is ambiguous in ") + data
                    + (matches.isEmpty() ? "" : ": " + matches.stream().map(Trace::id).toList()));
        }
        return matches.get(0);
    }

    private WorkerLink openLink(Optional<OutputFolder> output) {
        return worker.link(workers, worker.local() ? localLog(output) : null, CAPABILITIES);
    }

    /** The --local worker's log: in the output folder, or a temporary file when there is none. */
    private static Path localLog(Optional<OutputFolder> output) {
        try {
            return output.isPresent() ? output.get().resolve("worker.log") : Files.createTempFile("ta-worker", ".log");
        } catch (IOException e) {
            throw CliFailure.output("cannot create a log file for the local worker: " + e, e);
        }
    }

    private ReceiverHeadResult receiverHeads(List<TracePlan> plans, CacheFiller.Filled filled,
                                             AnalysisOptions options, AttentionCache cache) {
        List<ReceiverHeadAnalysis.TraceInput> inputs = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            CacheMetadata entry = filled.entries().get(i);
            inputs.add(new ReceiverHeadAnalysis.TraceInput(plans.get(i).trace(), () -> options.pooling()
                    .wrap(entry.layers(), entry.heads(), entry.ranges().labelIndex(), cache.load(entry))));
        }
        try {
            return new ReceiverHeadAnalysis(options, 1).run(inputs);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliFailure.badInput("the receiver-head analysis cannot use these traces: " + e.getMessage(), e);
        }
    }

    private Outcome check(WorkerLink link, Trace trace, ReceiverHeadResult heads, int index, TokenRanges ranges) {
        double[] scores = eligibleScores(heads.receiverScores().get(index), trace);
        SingleSentenceCheck.Selection selection;
        try {
            selection = SingleSentenceCheck.select(scores);
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput("trace " + trace.id() + ": " + e.getMessage(), e);
        }
        List<Head> top = heads.ranking().topHeads();
        if (suppressHeads > top.size()) {
            throw CliFailure.usage("--suppress-heads " + suppressHeads + ", but only " + top.size()
                    + " receiver heads are ranked (raise --top-k)");
        }
        Map<Integer, List<Integer>> layerHeads = SingleSentenceCheck.layerToHeads(top, suppressHeads);
        int[] ids = link.worker().tokenize(trace.baseSolution().fullCot().substring(0, ranges.textLength()),
                new int[0]).ids();
        if (ids.length != ranges.numTokens()) {
            throw CliFailure.worker(link.target() + " tokenises trace " + trace.id() + " into " + ids.length
                    + " tokens, its token ranges were built for " + ranges.numTokens(), null);
        }
        int cut = truncateAfter == null ? ids.length : ranges.end()[truncateAfter];
        LogitsQuery query = LogitsQuery.fullLogits(ModelInput.tokens(Arrays.copyOf(ids, cut)), List.of(
                Suppression.NONE, suppression(ranges, selection.high(), layerHeads),
                suppression(ranges, selection.low(), layerHeads)), List.of(-1));
        LogitsResult answer = link.worker().logits(query);
        SingleSentenceCheck.Result result = SingleSentenceCheck.evaluate(selection, lastLogits(link, answer, 0, cut),
                lastLogits(link, answer, 1, cut), lastLogits(link, answer, 2, cut), temperature, criterion);
        return new Outcome(link.info(), trace, top.subList(0, suppressHeads), layerHeads, scores, ranges, cut, result);
    }

    /** The analysed sentences' receiver scores; with --truncate-after-sentence K those after K become NaN. */
    private double[] eligibleScores(double[] receiverScores, Trace trace) {
        double[] scores = receiverScores.clone();
        if (truncateAfter != null) {
            if (truncateAfter < 0 || truncateAfter >= scores.length) {
                throw CliFailure.usage("--truncate-after-sentence " + truncateAfter + " is outside trace " + trace.id()
                        + "'s sentences 0.." + (scores.length - 1));
            }
            Arrays.fill(scores, truncateAfter + 1, scores.length, Double.NaN);
        }
        return scores;
    }

    private static Suppression suppression(TokenRanges ranges, int sentence, Map<Integer, List<Integer>> layerHeads) {
        return new Suppression(List.of(new TokenRange(ranges.start()[sentence], ranges.end()[sentence])), layerHeads);
    }

    private static float[] lastLogits(WorkerLink link, LogitsResult answer, int variant, int numTokens) {
        float[] logits = answer.variant(variant).fullLogits().get(numTokens - 1);
        if (logits == null) {
            throw CliFailure.worker(link.target() + " sent no logits for the last position of variant " + variant,
                    null);
        }
        return logits;
    }

    private void print(PrintWriter o, Outcome c) {
        SingleSentenceCheck.Result r = c.result();
        o.printf(Locale.ROOT, "Suppression check on %s (model %s), %d input tokens%n", c.trace().id(),
                c.model().modelId(), c.inputTokens());
        o.printf(Locale.ROOT, "  receiver heads suppressed (layer -> heads, ranked on %s): %s%n",
                headsFrom == HeadsFrom.DATA ? "all traces of --data" : "this trace", c.layerHeads());
        o.println("  high: " + sentenceLine(c, r.selection().high()));
        o.println("  low:  " + sentenceLine(c, r.selection().low()));
        o.printf(Locale.ROOT, "  KL_high = %.6g, KL_low = %.6g, ratio = %.6g%n", r.klHigh(), r.klLow(), r.ratio());
        o.printf(Locale.ROOT, "  %s: KL_high > %s x KL_low (%s)%n", r.passed() ? "PASS" : "FAIL",
                r.criterion().factor(), r.criterion());
        if (c.model().syntheticWeights()) {
            o.println("WARNING: " + c.model().modelId() + " runs SYNTHETIC (seeded random) weights. These results"
                    + " check the pipeline, not the science.");
        }
        o.flush();
    }

    private static String sentenceLine(Outcome c, int s) {
        return String.format(Locale.ROOT, "sentence %d, receiver score %.6g, tokens [%d, %d): %s", s, c.scores()[s],
                c.ranges().start()[s], c.ranges().end()[s], ResultTables.snippet(sentenceText(c, s)));
    }

    private static String sentenceText(Outcome c, int s) {
        int label = c.ranges().labelIndex()[s];
        return label >= 0 && label < c.trace().numLabeled() ? c.trace().chunks().get(label).chunk() : "";
    }

    private Map<String, Object> json(Outcome c, AnalysisOptions options, List<String> warnings) {
        SingleSentenceCheck.Result r = c.result();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "suppress-check");
        json.put("ta_version", VersionProvider.version());
        json.put("trace", c.trace().id());
        json.put("model", c.model());
        json.put("synthetic_weights", c.model().syntheticWeights());
        json.put("profile", profile.name());
        json.put("options", options.describe().lines().toList());
        json.put("heads_from", headsFrom.name());
        json.put("receiver_heads", c.heads().stream().map(h -> List.of(h.layer(), h.head())).toList());
        json.put("suppressed_layer_heads", c.layerHeads());
        json.put("truncate_after_sentence", truncateAfter);
        json.put("input_tokens", c.inputTokens());
        json.put("high", sentenceJson(c, r.selection().high()));
        json.put("low", sentenceJson(c, r.selection().low()));
        json.put("temperature", temperature);
        json.put("kl_high", Json.number(r.klHigh()));
        json.put("kl_low", Json.number(r.klLow()));
        json.put("ratio", Json.number(r.ratio()));
        json.put("criterion", r.criterion().name());
        json.put("criterion_factor", r.criterion().factor());
        json.put("passed", r.passed());
        json.put("warnings", warnings);
        return json;
    }

    private static Map<String, Object> sentenceJson(Outcome c, int s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentence_index", s);
        m.put("label_index", c.ranges().labelIndex()[s]);
        m.put("receiver_score", Json.number(c.scores()[s]));
        m.put("token_start", c.ranges().start()[s]);
        m.put("token_end", c.ranges().end()[s]);
        m.put("text", sentenceText(c, s));
        return m;
    }

    private void warn(List<String> warnings, String message) {
        warnings.add(message);
        spec.commandLine().getErr().println("ta: warning: " + message);
        spec.commandLine().getErr().flush();
    }
}
