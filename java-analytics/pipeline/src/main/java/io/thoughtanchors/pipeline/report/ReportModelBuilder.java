package io.thoughtanchors.pipeline.report;

import io.thoughtanchors.analysis.AnalysisPart;
import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.analysis.HeadControls;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.SegmentationNull;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.stats.ClusterBootstrap;
import io.thoughtanchors.analysis.stats.Correlation;
import io.thoughtanchors.analysis.stats.CorrelationResult;
import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;
import io.thoughtanchors.data.ChunkImportance;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.PipelineVersion;
import io.thoughtanchors.pipeline.ReceiversResult;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.report.ReportModel;
import io.thoughtanchors.worker.ModelInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Turns a receivers outcome (and optionally a suppression matrix) into the numbers a report draws. */
public final class ReportModelBuilder {

    public static final String TITLE = "Thought Anchors white-box report";

    private ReportModelBuilder() {
    }

    /** What the report of a sentence without a category shows as its category. */
    public static final String UNLABELLED = "unlabelled";

    /**
     * @param focus       index of the trace drawn sentence by sentence
     * @param suppression that trace's raw suppression matrix E (docs/algorithms.md §12), if one was given
     * @param placeboMeans each cell's placebo mean (docs/algorithms.md §12.9), NaN where none, if the run had placebos
     */
    public static ReportModel build(ReceiversResult run, String profile, String dataPath, int focus,
                                    Optional<double[][]> suppression, Optional<double[][]> placeboMeans) {
        ReceiverHeadResult r = run.analysis();
        List<Head> top = r.ranking().topHeads();
        if (top.isEmpty()) {
            throw PipelineException.badInput("no receiver head was selected (every head's kurtosis is NaN), so there"
                    + " is nothing to draw; see the warnings in run.json", null);
        }
        String focusId = run.traces().get(focus).id();
        List<ReportModel.Sentence> sentences = sentences(run);
        Map<ReportModel.Part, String> notComputed = new EnumMap<>(ReportModel.Part.class);
        r.notComputed(AnalysisPart.RELIABILITY_ALTERNATING).ifPresent(why -> notComputed.put(ReportModel.Part.RELIABILITY,
                why));
        r.notComputed(AnalysisPart.CATEGORIES).ifPresent(why -> notComputed.put(ReportModel.Part.CATEGORIES, why));
        r.notComputed(AnalysisPart.COUNTERFACTUAL).ifPresent(why -> notComputed.put(ReportModel.Part.BLACK_BOX, why));
        if (r.counterfactual().isPresent()) {
            r.notComputed(AnalysisPart.RESAMPLING).ifPresent(why -> notComputed.put(
                    ReportModel.Part.RESIDUAL_CORRELATION, why));
        }
        if (suppression.isEmpty()) {
            notComputed.put(ReportModel.Part.SUPPRESSION, "no suppression matrix was given for trace " + focusId
                    + " (ta suppression-matrix computes one; ta report --suppression DIR draws it)");
        }
        return new ReportModel(settings(run, profile, dataPath), kurtosis(r),
                r.reliabilityAlternating().map(ReportModelBuilder::reliability), r.categories().map(c -> categories(c,
                r.traceIds())), sentences, focusTrace(run, focus, top.get(0)), blackBox(r, sentences),
                suppression.map(e -> suppression(focusId, e, placeboMeans)), notComputed, Optional.of(controls(run)));
    }

    /** Without placebos. */
    public static ReportModel build(ReceiversResult run, String profile, String dataPath, int focus,
                                    Optional<double[][]> suppression) {
        return build(run, profile, dataPath, focus, suppression, Optional.empty());
    }

    /** The receiver heads with their controls (docs/algorithms.md §6.4–6.5), in rank order. */
    private static ReportModel.Controls controls(ReceiversResult run) {
        HeadControls.Result c = run.controls();
        HeadRankingResult ranking = run.analysis().ranking();
        Optional<SegmentationNull.Result> n = c.segmentationNull();
        List<ReportModel.HeadControl> heads = new ArrayList<>();
        for (Head h : ranking.topHeads()) {
            int f = h.flatIndex(c.heads());
            heads.add(new ReportModel.HeadControl(ref(h), ranking.meanKurtosis(h), c.recencyShare()[f],
                    n.map(x -> x.nullMean()[f]).orElse(Double.NaN), n.map(x -> x.nullSd()[f]).orElse(Double.NaN),
                    n.map(x -> x.z()[f]).orElse(Double.NaN), n.map(x -> x.p()[f]).orElse(Double.NaN)));
        }
        List<ReportModel.SweepPoint> sweep = c.sweep().stream().map(p -> new ReportModel.SweepPoint(
                p.proximityIgnore(), p.configured(), p.ranking().map(r -> r.topHeads().stream()
                .map(ReportModelBuilder::ref).toList()).orElse(List.of()), p.overlap(), p.spearman().r(),
                p.notComputed().orElse(""))).toList();
        HeadControlOptions options = run.request().controls();
        Optional<String> nullNotComputed = n.isPresent() ? Optional.empty() : Optional.of(options.segmentationNull()
                ? "no trace could be re-segmented (an empty or overlapping sentence in each; see run.json)"
                : "off (--segmentation-null PERMS turns it on)");
        return new ReportModel.Controls(c.proximityIgnore(), heads, n.map(SegmentationNull.Result::permutations)
                .orElse(0), nullNotComputed, sweep);
    }

    private static ReportModel.RunSettings settings(ReceiversResult run, String profile, String dataPath) {
        ModelInfo m = run.model();
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("worker version", m.workerVersion());
        worker.put("contract version", Integer.toString(m.contractVersion()));
        worker.put("architecture", m.architecture() + ", " + m.numLayers() + " layers × " + m.numQueryHeads()
                + " query heads (" + m.numKvHeads() + " KV heads)");
        worker.put("attention", m.attentionImplementation());
        worker.put("devices", String.join(", ", m.devices()));
        worker.put("worker mode", run.request().worker().mode().name().toLowerCase(Locale.ROOT));
        worker.put("model source", run.modelFromWorker() ? "worker" : "attention cache (no worker contacted)");
        worker.put("ta version", PipelineVersion.get());
        if (!m.notes().isBlank()) {
            worker.put("notes", m.notes());
        }
        return new ReportModel.RunSettings(TITLE, m.modelId(), m.dtype(), m.syntheticWeights(), profile,
                run.options().describe().lines().toList(), worker, dataPath, Instant.now().toString(),
                run.traces().stream().map(TracePlan::id).toList());
    }

    private static ReportModel.HeadKurtosis kurtosis(ReceiverHeadResult r) {
        return new ReportModel.HeadKurtosis(r.layers(), r.heads(), r.ranking().meanKurtosis().clone(),
                r.ranking().topHeads().stream().map(ReportModelBuilder::ref).toList());
    }

    private static ReportModel.Reliability reliability(ReliabilityResult x) {
        return new ReportModel.Reliability(x.mode().name(), x.tracesFirst(), x.tracesSecond(), x.pearson().r(),
                x.pearson().p(), x.spearman().r(), x.firstHalf().clone(), x.secondHalf().clone());
    }

    /** The analysis keys per-trace values by the trace's position; the report by trace id. */
    private static ReportModel.CategoryScores categories(CategoryResult c, List<String> traceIds) {
        Map<String, Map<String, Double>> perTrace = new LinkedHashMap<>();
        for (String category : c.categories()) {
            Map<String, Double> values = new LinkedHashMap<>();
            c.perTrace().getOrDefault(category, new TreeMap<>()).forEach((trace, v) -> {
                if (Double.isFinite(v)) {
                    values.put(traceIds.get(trace), v);
                }
            });
            perTrace.put(category, values);
        }
        List<ReportModel.CategoryMean> means = c.means().stream().map(m -> new ReportModel.CategoryMean(m.category(),
                m.interval().values(), m.interval().clusters(), m.interval().estimate(), m.interval().low(),
                m.interval().high(), m.interval().fewClusters())).toList();
        List<ReportModel.PairTest> tests = c.tests().stream().map(p -> new ReportModel.PairTest(p.categoryA(),
                p.categoryB(), p.test().n(), p.test().t(), p.test().df(), p.test().p(), p.pHolm(), p.cohensDz()))
                .toList();
        return new ReportModel.CategoryScores(c.categories(), perTrace, means, new ReportModel.CategoryInterval(
                c.bootstrap().level(), c.bootstrap().resamples(), ClusterBootstrap.FEW_CLUSTERS), tests);
    }

    private static List<ReportModel.Sentence> sentences(ReceiversResult run) {
        List<ReportModel.Sentence> out = new ArrayList<>();
        for (int t = 0; t < run.traces().size(); t++) {
            TracePlan plan = run.traces().get(t);
            double[] scores = run.analysis().receiverScores().get(t);
            int[] labels = run.analysis().labelIndex().get(t);
            int[] sentence = run.tokenRanges().get(t).sentenceIndex();
            Trace trace = plan.trace();
            for (int s = 0; s < scores.length; s++) {
                out.add(new ReportModel.Sentence(plan.id(), s, trace.category(labels[s]).orElse(UNLABELLED),
                        plan.layout().sentences().get(sentence[s]), scores[s], trace.importance(labels[s])
                        .map(ChunkImportance::counterfactualImportanceAccuracy).orElse(Double.NaN)));
            }
        }
        return out;
    }

    /** The head's sentence × sentence block (prompt/output regions cut off) and its layer's vertical scores. */
    private static ReportModel.FocusTrace focusTrace(ReceiversResult run, int focus, Head head) {
        PooledAttention att = run.pooled(focus);
        int n = att.sentences();
        int m = att.size();
        int first = att.layout().extraRegions() / 2;
        int offset = att.offset(head.layer(), head.head());
        double[][] matrix = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                matrix[i][j] = j > i ? Double.NaN : att.data()[offset + (first + i) * m + first + j];
            }
        }
        VerticalScores scores = new VerticalScores(run.options().receiverScores());
        double[][] layerScores = new double[att.heads()][];
        for (int h = 0; h < att.heads(); h++) {
            layerScores[h] = scores.compute(att, head.layer(), h);
        }
        return new ReportModel.FocusTrace(run.traces().get(focus).id(), ref(head), matrix, layerScores);
    }

    /**
     * Pooled over every sentence of every trace that has both numbers; the per-trace residual summary of docs/algorithms.md §10.3 beside
     * it when the traces have resampling matrices.
     */
    private static Optional<ReportModel.BlackBox> blackBox(ReceiverHeadResult r, List<ReportModel.Sentence> all) {
        return r.counterfactual().map(c -> {
            double[] x = all.stream().mapToDouble(ReportModel.Sentence::counterfactualImportance).toArray();
            double[] y = all.stream().mapToDouble(ReportModel.Sentence::receiverScore).toArray();
            CorrelationResult pearson = Correlation.pearson(x, y);
            CorrelationResult spearman = Correlation.spearman(x, y);
            return new ReportModel.BlackBox(pearson.r(), pearson.p(), spearman.r(), pearson.n(), r.resampling()
                    .map(b -> new ReportModel.Residual(b.mean(), b.ciLow(), b.ciHigh(), b.used().length)));
        });
    }

    /**
     * Figure 6: row-normalised, coloured by the script's quantiles of entries ≥ 11 below the diagonal (docs/algorithms.md §12.5);
     * a trace too short to have such entries takes the quantiles over the whole lower triangle. The diagonal is
     * set to the 99th percentile for display, as the paper's script does (step 3).
     */
    public static ReportModel.Suppression suppression(String traceId, double[][] raw) {
        return suppression(traceId, raw, Optional.empty());
    }

    /**
     * With placebos, Figure 6B also draws their curve: each cell's placebo mean minus its row's real mean (the
     * offset §12.5 removes from the real cell), averaged by distance like the real cells.
     */
    public static ReportModel.Suppression suppression(String traceId, double[][] raw, Optional<double[][]> placeboMeans) {
        double[][] normalised = RowNormalisation.normalise(raw);
        RowNormalisation.ColourRange range = RowNormalisation.colourRange(normalised);
        if (!Double.isFinite(range.vmin()) || !Double.isFinite(range.vmax())) {
            range = RowNormalisation.colourRange(normalised, RowNormalisation.SCRIPT_QUANTILES[0],
                    RowNormalisation.SCRIPT_QUANTILES[1], 1);
        }
        SuppressionAveraging.DistanceCurve curve = SuppressionAveraging.byDistance(List.<double[][]>of(normalised),
                SuppressionAveraging.DistancePooling.POOL_ENTRIES);
        double[] placebo = placeboMeans.map(p -> placeboByDistance(raw, p, curve.distance())).orElse(new double[0]);
        return new ReportModel.Suppression(traceId, RowNormalisation.withDisplayDiagonal(normalised), range.vmin(),
                range.vmax(), curve.distance(),
                curve.mean(), curve.standardError(), placebo);
    }

    private static double[] placeboByDistance(double[][] raw, double[][] placeboMeans, int[] distances) {
        int n = raw.length;
        double[][] shifted = new double[n][n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(shifted[i], Double.NaN);
            double sum = 0;
            int count = 0;
            for (int j = 0; j < i; j++) {
                if (!Double.isNaN(raw[i][j])) {
                    sum += raw[i][j];
                    count++;
                }
            }
            for (int j = 0; j < i && count > 0; j++) {
                shifted[i][j] = placeboMeans[i][j] - sum / count;
            }
        }
        SuppressionAveraging.DistanceCurve curve = SuppressionAveraging.byDistance(List.<double[][]>of(shifted),
                SuppressionAveraging.DistancePooling.POOL_ENTRIES);
        double[] out = new double[distances.length];
        Arrays.fill(out, Double.NaN);
        for (int k = 0; k < curve.size(); k++) {
            int at = Arrays.binarySearch(distances, curve.distance()[k]);
            if (at >= 0) {
                out[at] = curve.mean()[k];
            }
        }
        return out;
    }

    private static ReportModel.HeadRef ref(Head h) {
        return new ReportModel.HeadRef(h.layer(), h.head());
    }
}
