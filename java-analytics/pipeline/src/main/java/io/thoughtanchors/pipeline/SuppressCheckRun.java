package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.SuppressCheckRequest.HeadsFrom;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ARENA's single-sentence check (docs/algorithms.md §13): the receiver heads from the receiver-head computation every command
 * shares ({@link ReceiverHeads}), then one Logits call with the baseline and the highest- and lowest-scoring
 * sentence masked in the top heads, compared at the last position.
 */
final class SuppressCheckRun {

    /** What the worker must be able to do (and {@link io.thoughtanchors.worker.Kernel#CAPABILITY} for MONKEYPATCH). */
    static final List<String> CAPABILITIES = List.of(ReceiverHeads.POOLED_ATTENTION, "logits.full",
            "suppression.per_head");

    private SuppressCheckRun() {
    }

    static SuppressCheckResult run(SuppressCheckRequest request, Optional<OutputFolder> output,
                                   WorkerConnector connector, RunEvents events) {
        List<Trace> traces = Inputs.read(request.data().orElseGet(() -> request.tracePath().orElseThrow()),
                request.dataOptions(), events);
        Trace target = target(request, traces, events);
        List<TracePlan> plans = Inputs.withReceiverHeads(Inputs.plans(request.headsFrom() == HeadsFrom.DATA ? traces
                : List.of(target), request.options()), request.options(), events).plans();
        if (plans.stream().noneMatch(p -> p.id().equals(target.id()))) {
            throw PipelineException.badInput("trace " + target.id() + " has too few sentences for receiver heads; see"
                    + " the warning above", null);
        }
        output.ifPresent(OutputFolder::create);
        AttentionCache cache = new AttentionCache(AttentionCache.root(request.cache().orElse(null),
                output.map(OutputFolder::dir).orElse(null)), events::warning);
        SuppressCheckResult result;
        try (WorkerLink link = new WorkerLink(request.worker(), connector, localLog(request, output),
                request.kernel().requiredCapabilities(CAPABILITIES), events::warning)) {
            ReceiverHeads.Computed heads = ReceiverHeads.compute(plans, request.options(), Optional.empty(), 1, cache,
                    link, events);
            int index = plans.stream().map(TracePlan::id).toList().indexOf(target.id());
            result = check(request, link, target, heads.result(), index, heads.filled().entries().get(index).ranges(),
                    output, events);
        }
        return result;
    }

    /** The one trace of --trace, or the trace of --data that --trace or --problem names. */
    private static Trace target(SuppressCheckRequest request, List<Trace> traces, RunEvents events) {
        if (request.data().isEmpty()) {
            return only(request.tracePath().orElseThrow(), traces);
        }
        Trace chosen = request.tracePath().map(p -> only(p, Inputs.read(p, request.dataOptions(), events)))
                .orElse(null);
        String wanted = chosen != null ? chosen.id() : request.problem().orElseThrow();
        List<Trace> matches = traces.stream().filter(t -> t.id().equals(wanted) || t.id().endsWith("/" + wanted))
                .toList();
        if (matches.size() != 1) {
            String what = chosen != null ? "trace " + chosen.id() : "problem " + wanted;
            throw PipelineException.invalidRequest((matches.isEmpty() ? what + " is not in " : what
                    + " is ambiguous in ") + request.data().get() + (matches.isEmpty() ? ""
                    : ": " + matches.stream().map(Trace::id).toList()));
        }
        return matches.get(0);
    }

    private static Trace only(Path path, List<Trace> traces) {
        if (traces.size() != 1) {
            throw PipelineException.invalidRequest("--trace " + path + " holds " + traces.size() + " traces; name one"
                    + " with --data " + path + " --problem ID (ids: " + traces.stream().limit(5).map(Trace::id)
                    .collect(Collectors.joining(", ")) + (traces.size() > 5 ? ", ..." : "") + ")");
        }
        return traces.get(0);
    }

    /** A local worker's log: in the output folder, or a temporary file when there is none. */
    private static Path localLog(SuppressCheckRequest request, Optional<OutputFolder> output) {
        if (!request.worker().isLocal()) {
            return null;
        }
        try {
            return output.isPresent() ? output.get().resolve("worker.log") : Files.createTempFile("ta-worker", ".log");
        } catch (IOException e) {
            throw PipelineException.output("cannot create a log file for the local worker: " + e, e);
        }
    }

    private static SuppressCheckResult check(SuppressCheckRequest request, WorkerLink link, Trace trace,
                                             ReceiverHeadResult heads, int index, TokenRanges ranges,
                                             Optional<OutputFolder> output, RunEvents events) {
        double[] scores = eligibleScores(request, heads.receiverScores().get(index), trace);
        if (Arrays.stream(scores).allMatch(Double::isNaN)) {
            throw PipelineException.badInput("trace " + trace.id() + ": no eligible sentence, all " + scores.length
                    + " receiver scores are NaN", null);
        }
        SingleSentenceCheck.Selection selection = SingleSentenceCheck.select(scores);
        List<Head> top = heads.ranking().topHeads();
        if (request.suppressHeads() > top.size()) {
            throw PipelineException.invalidRequest("--suppress-heads " + request.suppressHeads() + ", but only "
                    + top.size() + " receiver heads are ranked (raise --top-k)");
        }
        Map<Integer, List<Integer>> layerHeads = SingleSentenceCheck.layerToHeads(top, request.suppressHeads());
        int[] ids = link.worker().tokenize(trace.text().modelText().substring(0, ranges.textLength()),
                new int[0]).ids();
        if (ids.length != ranges.numTokens()) {
            throw PipelineException.worker(link.describe() + " tokenises trace " + trace.id() + " into " + ids.length
                    + " tokens, its token ranges were built for " + ranges.numTokens(), null);
        }
        int cut = request.truncateAfterSentence().isEmpty() ? ids.length
                : ranges.end()[request.truncateAfterSentence().getAsInt()];
        LogitsQuery query = LogitsQuery.fullLogits(ModelInput.tokens(Arrays.copyOf(ids, cut)), List.of(
                Suppression.NONE, suppression(ranges, selection.high(), layerHeads),
                suppression(ranges, selection.low(), layerHeads)), List.of(-1)).withKernel(request.kernel());
        LogitsResult answer = link.worker().logits(query);
        SingleSentenceCheck.Result check = SingleSentenceCheck.evaluate(selection, lastLogits(link, answer, 0, cut),
                lastLogits(link, answer, 1, cut), lastLogits(link, answer, 2, cut), request.temperature(),
                request.criterion());
        Optional<Path> file = output.map(o -> o.resolve("suppress_check.json"));
        SuppressCheckResult result = new SuppressCheckResult(request, link.info(), trace,
                top.subList(0, request.suppressHeads()), layerHeads, scores, ranges, cut, check, file,
                events.warnings());
        output.ifPresent(o -> o.write("suppress_check.json", Json.write(json(result))));
        return result;
    }

    /** The analysed sentences' receiver scores; with truncation after sentence K those after K become NaN. */
    private static double[] eligibleScores(SuppressCheckRequest request, double[] receiverScores, Trace trace) {
        double[] scores = receiverScores.clone();
        if (request.truncateAfterSentence().isPresent()) {
            int k = request.truncateAfterSentence().getAsInt();
            if (k < 0 || k >= scores.length) {
                throw PipelineException.invalidRequest("--truncate-after-sentence " + k + " is outside trace "
                        + trace.id() + "'s sentences 0.." + (scores.length - 1));
            }
            Arrays.fill(scores, k + 1, scores.length, Double.NaN);
        }
        return scores;
    }

    private static Suppression suppression(TokenRanges ranges, int sentence, Map<Integer, List<Integer>> layerHeads) {
        return new Suppression(List.of(new TokenRange(ranges.start()[sentence], ranges.end()[sentence])), layerHeads);
    }

    private static float[] lastLogits(WorkerLink link, LogitsResult answer, int variant, int numTokens) {
        float[] logits = answer.variant(variant).fullLogits().get(numTokens - 1);
        if (logits == null) {
            throw PipelineException.worker(link.describe() + " sent no logits for the last position of variant "
                    + variant, null);
        }
        return logits;
    }

    private static Map<String, Object> json(SuppressCheckResult c) {
        SuppressCheckRequest request = c.request();
        SingleSentenceCheck.Result r = c.check();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "suppress-check");
        json.put("ta_version", PipelineVersion.get());
        json.put("trace", c.trace().id());
        json.put("model", c.model());
        json.put("synthetic_weights", c.model().syntheticWeights());
        json.put("profile", request.profile().name());
        json.put("options", request.options().describe().lines().toList());
        json.put("heads_from", request.headsFrom().name());
        json.put("receiver_heads", c.heads().stream().map(h -> List.of(h.layer(), h.head())).toList());
        json.put("suppressed_layer_heads", c.layerHeads());
        json.put("truncate_after_sentence", request.truncateAfterSentence().isPresent()
                ? request.truncateAfterSentence().getAsInt() : null);
        json.put("input_tokens", c.inputTokens());
        json.put("kernel", request.kernel().name());
        json.put("high", sentenceJson(c, r.selection().high()));
        json.put("low", sentenceJson(c, r.selection().low()));
        json.put("temperature", request.temperature());
        json.put("kl_high", Json.number(r.klHigh()));
        json.put("kl_low", Json.number(r.klLow()));
        json.put("ratio", Json.number(r.ratio()));
        json.put("criterion", r.criterion().name());
        json.put("criterion_factor", r.criterion().factor());
        json.put("passed", r.passed());
        json.put("warnings", c.warnings());
        return json;
    }

    private static Map<String, Object> sentenceJson(SuppressCheckResult c, int s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentence_index", s);
        m.put("label_index", c.ranges().labelIndex()[s]);
        m.put("receiver_score", Json.number(c.scores()[s]));
        m.put("token_start", c.ranges().start()[s]);
        m.put("token_end", c.ranges().end()[s]);
        m.put("text", c.sentenceText(s));
        return m;
    }
}
