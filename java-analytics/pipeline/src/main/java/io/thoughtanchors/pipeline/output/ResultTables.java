package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.compare.CounterfactualComparison;
import io.thoughtanchors.analysis.compare.ResamplingComparison;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.stats.ClusterBootstrap;
import io.thoughtanchors.analysis.taxonomy.CategoryMean;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;
import io.thoughtanchors.analysis.taxonomy.PairTest;
import io.thoughtanchors.analysis.text.CharSpan;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.data.ChunkImportance;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.pipeline.cache.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The receivers command's result tables, in the order its help lists them. */
public final class ResultTables {

    public static final int SNIPPET_CHARS = 100;

    private ResultTables() {
    }

    /**
     * @param plans  the analysed traces with their sentences, in the result's order
     * @param ranges each trace's sentence token ranges, in the same order
     */
    public static List<Table> of(ReceiverHeadResult r, List<TracePlan> plans, List<TokenRanges> ranges) {
        List<Trace> traces = plans.stream().map(TracePlan::trace).toList();
        return List.of(topHeads(r.ranking()), meanKurtosis(r.ranking()), kurtosisByTrace(r),
                sentenceScores(r, traces, ranges), sentences(plans, ranges),
                reliability(r), categoryTests(r), categoryMeans(r), categoryValues(r), blackBoxByTrace(r));
    }

    /** results.json: every table as row objects plus what is not a table, and why each part absent is absent. */
    public static Map<String, Object> resultsJson(ReceiverHeadResult r, List<Table> tables) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("traces", r.traceIds());
        json.put("layers", r.layers());
        json.put("heads", r.heads());
        json.put("black_box_summary", r.resampling().map(ResultTables::blackBoxSummary).orElse(null));
        json.put("category_bootstrap", r.categories().map(c -> categoryBootstrap(c.bootstrap())).orElse(null));
        json.put("not_computed", RunReport.notComputed(r.notComputed()));
        json.put("skipped_traces", r.ranking().skippedTraces());
        json.put("warnings", r.warnings());
        Map<String, Object> byName = new LinkedHashMap<>();
        tables.forEach(t -> byName.put(t.name(), t.jsonRows()));
        json.put("tables", byName);
        return json;
    }

    private static Table topHeads(HeadRankingResult ranking) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < ranking.topHeads().size(); i++) {
            Head h = ranking.topHeads().get(i);
            rows.add(List.of(i + 1, h.layer(), h.head(), ranking.meanKurtosis(h)));
        }
        return new Table("top_heads", List.of("rank", "layer", "head", "mean_kurtosis"), rows);
    }

    private static Table meanKurtosis(HeadRankingResult ranking) {
        Map<Head, Integer> rank = new HashMap<>();
        for (int i = 0; i < ranking.topHeads().size(); i++) {
            rank.put(ranking.topHeads().get(i), i + 1);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int l = 0; l < ranking.layers(); l++) {
            for (int h = 0; h < ranking.heads(); h++) {
                Head head = new Head(l, h);
                rows.add(Arrays.asList(l, h, ranking.meanKurtosis(head), rank.get(head)));
            }
        }
        return new Table("head_kurtosis", List.of("layer", "head", "mean_kurtosis", "top_rank"), rows);
    }

    private static Table kurtosisByTrace(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < r.traceIds().size(); t++) {
            double[] k = r.kurtosis().get(t);
            for (int f = 0; f < k.length; f++) {
                rows.add(List.of(r.traceIds().get(t), f / r.heads(), f % r.heads(), k[f]));
            }
        }
        return new Table("head_kurtosis_by_trace", List.of("trace_id", "layer", "head", "kurtosis"), rows);
    }

    /** Token ranges ride along so boundaries can be checked against the reference (docs/algorithms.md §3.6). */
    private static Table sentenceScores(ReceiverHeadResult r, List<Trace> traces, List<TokenRanges> ranges) {
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < traces.size(); t++) {
            Trace trace = traces.get(t);
            double[] scores = r.receiverScores().get(t);
            int[] labels = r.labelIndex().get(t);
            TokenRanges tokens = ranges.get(t);
            if (!Arrays.equals(labels, tokens.labelIndex())) {
                throw new IllegalStateException("trace " + trace.id() + ": scores and token ranges disagree on sentences");
            }
            for (int s = 0; s < scores.length; s++) {
                int label = labels[s];
                // Absent is an empty cell: a trace without categories or importance has no value to show, not NaN.
                rows.add(Arrays.asList(trace.id(), s, label, tokens.start()[s], tokens.end()[s],
                        trace.category(label).orElse(null), scores[s],
                        trace.importance(label).map(ChunkImportance::counterfactualImportanceAccuracy).orElse(null),
                        label >= 0 && label < trace.numChunks() ? snippet(trace.chunks().get(label)) : null));
            }
        }
        return new Table("sentence_scores", List.of("trace_id", "sentence_index", "label_index", "token_start",
                "token_end", "category", "receiver_score", "counterfactual_importance_accuracy", "text"), rows);
    }

    /**
     * Every analysed sentence where it is: its characters in the model text (full_cot) and its tokens in the model
     * input, with the text those characters hold. Row order and sentence_index as in sentence_scores.
     */
    private static Table sentences(List<TracePlan> plans, List<TokenRanges> ranges) {
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < plans.size(); t++) {
            TracePlan plan = plans.get(t);
            TokenRanges tokens = ranges.get(t);
            for (int s = 0; s < tokens.size(); s++) {
                int label = tokens.labelIndex()[s];
                CharSpan span = plan.layout().spans().get(tokens.sentenceIndex()[s]);
                rows.add(Arrays.asList(plan.id(), s, label, span.start(), span.end(), tokens.start()[s],
                        tokens.end()[s], plan.trace().category(label).orElse(null),
                        plan.text().substring(span.start(), span.end())));
            }
        }
        return new Table("sentences", List.of("trace_id", "sentence_index", "label_index", "char_start", "char_end",
                "token_start", "token_end", "category", "text"), rows);
    }

    private static Table reliability(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        for (ReliabilityResult x : Stream.of(r.reliabilityAlternating(), r.reliabilityByProblem())
                .flatMap(Optional::stream).toList()) {
            rows.add(List.of(x.mode().name(), x.tracesFirst(), x.tracesSecond(), x.pearson().n(), x.pearson().r(),
                    x.pearson().p(), x.spearman().r(), x.spearman().p()));
        }
        return new Table("reliability", List.of("split", "traces_first", "traces_second", "heads", "pearson_r",
                "pearson_p", "spearman_r", "spearman_p"), rows);
    }

    /** Every ordered pair; p_holm is over the unordered pairs, so (A, B) and (B, A) show the same one. */
    private static Table categoryTests(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        for (PairTest p : r.categories().map(CategoryResult::tests).orElse(List.of())) {
            rows.add(List.of(p.categoryA(), p.categoryB(), p.tracesBeforeNaN(), p.test().n(), p.test().t(),
                    p.test().df(), p.test().p(), p.pHolm(), p.cohensDz()));
        }
        return new Table("category_tests", List.of("category_a", "category_b", "traces", "n", "t", "df", "p", "p_holm",
                "cohens_dz"), rows);
    }

    /** Each analysed category's mean over traces with its problem-level bootstrap interval (docs/algorithms.md §9). */
    private static Table categoryMeans(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        r.categories().ifPresent(c -> {
            for (CategoryMean m : c.means()) {
                ClusterBootstrap.Interval i = m.interval();
                rows.add(List.of(m.category(), i.values(), i.clusters(), i.estimate(), i.low(), i.high(),
                        c.bootstrap().level(), c.bootstrap().resamples(), i.fewClusters()));
            }
        });
        return new Table("category_means", List.of("category", "traces", "problems", "mean", "ci_low", "ci_high",
                "ci_level", "resamples", "few_problems"), rows);
    }

    /** Per-trace category aggregates with each trace's problem; the analysis keys them by the trace's position. */
    private static Table categoryValues(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        r.categories().ifPresent(c -> {
            for (String category : c.categories()) {
                c.perTrace().getOrDefault(category, Collections.emptySortedMap()).forEach((trace, value) -> rows.add(
                        List.of(category, r.traceIds().get(trace), c.problemOfTrace().get(trace), value)));
            }
        });
        return new Table("category_values", List.of("category", "trace_id", "problem", "value"), rows);
    }

    /** One row per trace in either comparison; a comparison a trace is not part of leaves its cells empty. */
    private static Table blackBoxByTrace(ReceiverHeadResult r) {
        List<List<Object>> rows = new ArrayList<>();
        for (String id : r.traceIds()) {
            Optional<Double> residual = r.resampling().flatMap(b -> {
                int t = b.traceIds().indexOf(id);
                return t < 0 ? Optional.empty() : Optional.of(b.residualSpearman()[t]);
            });
            Optional<Integer> cf = r.counterfactual().map(c -> c.traceIds().indexOf(id)).filter(t -> t >= 0);
            if (residual.isEmpty() && cf.isEmpty()) {
                continue;
            }
            CounterfactualComparison c = r.counterfactual().orElse(null);
            rows.add(Arrays.asList(id, residual.orElse(null),
                    cf.map(t -> c.pearsonVsNegCf().get(t).r()).orElse(null),
                    cf.map(t -> c.spearmanVsNegCf().get(t).r()).orElse(null),
                    cf.map(t -> c.pearsonVsAbsCf().get(t).r()).orElse(null),
                    cf.map(t -> c.spearmanVsAbsCf().get(t).r()).orElse(null)));
        }
        return new Table("blackbox_by_trace", List.of("trace_id", "residual_spearman", "pearson_neg_cf",
                "spearman_neg_cf", "pearson_abs_cf", "spearman_abs_cf"), rows);
    }

    private static Map<String, Object> categoryBootstrap(BootstrapOptions b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resampled", "problems");
        m.put("resamples", b.resamples());
        m.put("level", b.level());
        m.put("seed", b.seed());
        m.put("few_problems_below", ClusterBootstrap.FEW_CLUSTERS);
        return m;
    }

    private static Map<String, Object> blackBoxSummary(ResamplingComparison b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("traces", b.traceIds().size());
        m.put("traces_used", b.used().length);
        m.put("mean_residual_spearman", Json.number(b.mean()));
        m.put("se", Json.number(b.se()));
        m.put("ci95_low", Json.number(b.ciLow()));
        m.put("ci95_high", Json.number(b.ciHigh()));
        return m;
    }

    /** One line of at most {@value #SNIPPET_CHARS} characters. */
    public static String snippet(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= SNIPPET_CHARS ? line : line.substring(0, SNIPPET_CHARS - 1) + "…";
    }
}
