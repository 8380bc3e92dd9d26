package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadRanking;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.ReceiverScores;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.attention.RegionLayout;
import io.thoughtanchors.analysis.attention.VerticalScoreOptions;
import io.thoughtanchors.analysis.compare.BlackBoxComparison;
import io.thoughtanchors.analysis.compare.CounterfactualComparison;
import io.thoughtanchors.analysis.compare.ResamplingComparison;
import io.thoughtanchors.analysis.compare.ResamplingScores;
import io.thoughtanchors.analysis.compare.TraceImportance;
import io.thoughtanchors.analysis.compare.TraceSentences;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.reliability.SplitHalfReliability;
import io.thoughtanchors.analysis.reliability.SplitMode;
import io.thoughtanchors.analysis.stats.Kurtosis;
import io.thoughtanchors.analysis.taxonomy.CategoryAnalysis;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;
import io.thoughtanchors.analysis.taxonomy.SentenceScore;
import io.thoughtanchors.data.ChunkImportance;
import io.thoughtanchors.data.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The receiver-head pipeline over already pooled attention (docs/algorithms.md §5–§10): per-trace kurtosis of every head,
 * head ranking, receiver-head scores, split-half reliability, category tests and the black-box comparisons. The
 * parts that need categories, black-box importance or several traces are left out when the traces lack them, each
 * with its reason in the result.
 * Pure: matrices come from suppliers (so a caller can load one trace at a time from its cache); nothing here
 * reads files.
 */
public final class ReceiverHeadAnalysis {

    /** Kurtosis of fewer finite scores is undefined (one) or −2 for every head (two): no ranking. */
    public static final int MIN_SCORED_SENTENCES = 3;

    /** One trace and its pooled attention, in the layout of the options' pooling convention. */
    public record TraceInput(Trace trace, Supplier<PooledAttention> attention) {
    }

    private final AnalysisOptions options;
    private final int parallelism;

    /** @param parallelism number of traces processed at once (each holds one pooled-attention array) */
    public ReceiverHeadAnalysis(AnalysisOptions options, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1");
        }
        this.options = options;
        this.parallelism = parallelism;
    }

    /** Per-trace outcome of the scoring pass. */
    private record TraceScores(int layers, int heads, int[] labelIndex, double[] kurtosis, double[][] scores) {
    }

    public ReceiverHeadResult run(List<TraceInput> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no traces to analyse");
        }
        TraceScores[] perTrace = scoreAll(inputs);
        int layers = perTrace[0].layers();
        int heads = perTrace[0].heads();
        List<String> ids = new ArrayList<>();
        List<double[]> kurtosis = new ArrayList<>();
        for (int r = 0; r < perTrace.length; r++) {
            String id = inputs.get(r).trace().id();
            if (perTrace[r].layers() != layers || perTrace[r].heads() != heads) {
                throw new IllegalArgumentException(id + ": " + perTrace[r].layers() + "×" + perTrace[r].heads()
                        + " heads, but the first trace has " + layers + "×" + heads);
            }
            ids.add(id);
            kurtosis.add(perTrace[r].kurtosis());
        }
        HeadRankingResult ranking = HeadRanking.rank(ids, kurtosis, layers, heads, options.nanHeadPolicy(),
                options.layerZero(), options.topK());
        List<String> warnings = new ArrayList<>(ranking.warnings());
        Map<AnalysisPart, String> notComputed = new EnumMap<>(AnalysisPart.class);

        List<double[]> rho = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (TraceScores t : perTrace) {
            rho.add(ReceiverScores.compute(t.scores(), heads, ranking.topHeads(), options.headAggregate(),
                    options.scoreTailNaN()));
            labels.add(t.labelIndex());
        }
        Optional<ReliabilityResult> alternating = reliability(inputs, kurtosis, heads, SplitMode.ALTERNATING,
                notComputed);
        Optional<ReliabilityResult> byProblem = reliability(inputs, kurtosis, heads, SplitMode.BY_PROBLEM, notComputed);
        Optional<CategoryResult> categories = categories(inputs, rho, labels, notComputed, warnings);
        Optional<CounterfactualComparison> counterfactual = counterfactual(inputs, rho, labels, notComputed, warnings);
        Optional<ResamplingComparison> resampling = resampling(inputs, rho, labels, notComputed, warnings);
        return new ReceiverHeadResult(ids, layers, heads, kurtosis, ranking, rho, labels, alternating, byProblem,
                categories, counterfactual, resampling, notComputed, warnings);
    }

    /**
     * The fewest analysed sentences a trace needs for its heads to have a kurtosis under {@code options}: a trace
     * with fewer would give every head a NaN kurtosis and leave no receiver head (see {@link #minimumReason}).
     */
    public static int minimumSentences(AnalysisOptions options) {
        int needed = Math.max(MIN_SCORED_SENTENCES, options.kurtosisMinFinite());
        int high = 1;
        while (scoredSentences(options, high) < needed) {
            high *= 2;
        }
        int low = 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (scoredSentences(options, mid) >= needed) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** Why {@link #minimumSentences} is what it is, in one clause naming the options that set it. */
    public static String minimumReason(AnalysisOptions options) {
        VerticalScoreOptions v = options.kurtosisScores();
        int k = v.proximityIgnore();
        return "a sentence's vertical score averages the attention it receives from sentences at least " + k
                + " later (proximity ignore " + k + ")" + (v.dropEnds() > 0 ? ", the first and last " + v.dropEnds()
                + " scores are blanked (drop ends " + v.dropEnds() + ")" : "") + ", and a head's kurtosis needs "
                + Math.max(MIN_SCORED_SENTENCES, options.kurtosisMinFinite()) + " scored sentences";
    }

    /**
     * How many of {@code n} sentences get a finite kurtosis-variant vertical score: the scoring itself run on a
     * matrix of distinct positive values, so that only the masks (future, proximity, regions, dropped ends) decide.
     */
    static int scoredSentences(AnalysisOptions options, int n) {
        RegionLayout layout = options.pooling().layout();
        int m = n + layout.extraRegions();
        float[] data = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                data[i * m + j] = 1 + i * m + j;
            }
        }
        double[] scores = new double[n];
        new VerticalScores(options.kurtosisScores()).compute(data, 0, m, layout, scores);
        return (int) Arrays.stream(scores).filter(Double::isFinite).count();
    }

    private TraceScores[] scoreAll(List<TraceInput> inputs) {
        TraceScores[] out = new TraceScores[inputs.size()];
        ForkJoinPool pool = new ForkJoinPool(parallelism);
        try {
            pool.submit(() -> IntStream.range(0, inputs.size()).parallel()
                    .forEach(r -> out[r] = scoreTrace(inputs.get(r).attention().get()))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring traces", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        return out;
    }

    /** Vertical scores of every head in both variants; kurtosis from the first, receiver scores kept from the second. */
    private TraceScores scoreTrace(PooledAttention att) {
        int hCount = att.layers() * att.heads();
        int n = att.sentences();
        VerticalScores forKurtosis = new VerticalScores(options.kurtosisScores());
        boolean same = options.kurtosisScores().equals(options.receiverScores());
        VerticalScores forScores = same ? forKurtosis : new VerticalScores(options.receiverScores());
        double[] kurt = new double[hCount];
        double[][] scores = new double[hCount][n];
        double[] v = new double[n];
        for (int l = 0; l < att.layers(); l++) {
            for (int h = 0; h < att.heads(); h++) {
                int f = l * att.heads() + h;
                int offset = att.offset(l, h);
                forKurtosis.compute(att.data(), offset, att.size(), att.layout(), v);
                kurt[f] = Kurtosis.excess(v, options.kurtosisMinFinite());
                if (same) {
                    System.arraycopy(v, 0, scores[f], 0, n);
                } else {
                    forScores.compute(att.data(), offset, att.size(), att.layout(), scores[f]);
                }
            }
        }
        return new TraceScores(att.layers(), att.heads(), att.labelIndex(), kurt, scores);
    }

    /** Halves of the traces (alternating) or of their problems; empty when there are not two. */
    private static Optional<ReliabilityResult> reliability(List<TraceInput> inputs, List<double[]> kurtosis, int heads,
                                                           SplitMode mode, Map<AnalysisPart, String> notComputed) {
        List<Integer> problems = inputs.stream().map(i -> i.trace().source().problemNumber()).toList();
        if (mode == SplitMode.ALTERNATING && inputs.size() < 2) {
            notComputed.put(AnalysisPart.RELIABILITY_ALTERNATING, "it splits the traces in two and needs at least two;"
                    + " this run has 1");
            return Optional.empty();
        }
        if (mode == SplitMode.BY_PROBLEM && problems.stream().distinct().count() < 2) {
            notComputed.put(AnalysisPart.RELIABILITY_BY_PROBLEM, "it splits the traces by problem and needs traces of"
                    + " at least two problems; " + (inputs.size() == 1 ? "this run has 1 trace"
                    : "the " + inputs.size() + " traces of this run are of one problem"));
            return Optional.empty();
        }
        return Optional.of(SplitHalfReliability.evaluate(problems, kurtosis, heads, mode));
    }

    /**
     * Figure 5 over the traces with sentence categories; per-trace values keyed by the trace's position, the bootstrap
     * drawing the traces' problems.
     */
    private Optional<CategoryResult> categories(List<TraceInput> inputs, List<double[]> rho, List<int[]> labels,
                                                Map<AnalysisPart, String> notComputed, List<String> warnings) {
        List<SentenceScore> rows = new ArrayList<>();
        List<String> unlabelled = new ArrayList<>();
        for (int r = 0; r < inputs.size(); r++) {
            Trace t = inputs.get(r).trace();
            if (t.labels().isEmpty()) {
                unlabelled.add(t.id());
                continue;
            }
            for (int s = 0; s < labels.get(r).length; s++) {
                Optional<String> category = t.category(labels.get(r)[s]);
                if (category.isPresent()) {
                    rows.add(new SentenceScore(r, t.source().problemNumber(), category.get(), rho.get(r)[s]));
                }
            }
        }
        if (unlabelled.size() == inputs.size()) {
            notComputed.put(AnalysisPart.CATEGORIES, "no trace has sentence categories (the function_tags of"
                    + " chunks_labeled.json, or the labels of a trace file)");
            return Optional.empty();
        }
        if (!unlabelled.isEmpty()) {
            warnings.add(unlabelled.size() + " of " + inputs.size() + " traces have no sentence categories and are"
                    + " left out of the category tests: " + listed(unlabelled));
        }
        CategoryResult result = CategoryAnalysis.analyse(rows, options.categories(), options.categoryAggregate(),
                options.categoryMinCount(), options.categoryBootstrap());
        if (result.perTrace().values().stream().allMatch(Map::isEmpty)) {
            notComputed.put(AnalysisPart.CATEGORIES, "no trace has more than " + options.categoryMinCount()
                    + " sentences of one analysed category (" + String.join(", ", options.categories()) + ")");
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /** Traces whose chunks have counterfactual importance (the last chunk's is 0 by construction, not measured). */
    private static Optional<CounterfactualComparison> counterfactual(List<TraceInput> inputs, List<double[]> rho,
                                                                     List<int[]> labels,
                                                                     Map<AnalysisPart, String> notComputed,
                                                                     List<String> warnings) {
        List<TraceImportance> rows = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (int r = 0; r < inputs.size(); r++) {
            Trace t = inputs.get(r).trace();
            int[] label = labels.get(r);
            double[] cf = new double[label.length];
            for (int s = 0; s < label.length; s++) {
                int l = label[s];
                cf[s] = l < t.numChunks() - 1 ? t.importance(l).map(ChunkImportance::counterfactualImportanceAccuracy)
                        .orElse(Double.NaN) : Double.NaN;
            }
            if (Arrays.stream(cf).anyMatch(Double::isFinite)) {
                rows.add(new TraceImportance(t.id(), rho.get(r), cf));
            } else {
                without.add(t.id());
            }
        }
        if (rows.isEmpty()) {
            notComputed.put(AnalysisPart.COUNTERFACTUAL, "no trace has counterfactual importance (the"
                    + " counterfactual_importance_accuracy of chunks_labeled.json, or the importance of a trace file)");
            return Optional.empty();
        }
        if (!without.isEmpty()) {
            warnings.add(without.size() + " of " + inputs.size() + " traces have no counterfactual importance and are"
                    + " left out of its comparison: " + listed(without));
        }
        return Optional.of(BlackBoxComparison.counterfactual(rows));
    }

    /** Traces with a step-importance matrix: residualised ρ against the resampling score u. */
    private Optional<ResamplingComparison> resampling(List<TraceInput> inputs, List<double[]> rho, List<int[]> labels,
                                                      Map<AnalysisPart, String> notComputed, List<String> warnings) {
        List<TraceSentences> rows = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (int r = 0; r < inputs.size(); r++) {
            Trace t = inputs.get(r).trace();
            if (t.stepImportance().isEmpty()) {
                without.add(t.id());
                continue;
            }
            if (t.labels().isEmpty()) {
                warnings.add(t.id() + ": no sentence categories, so none of " + String.join(", ",
                        options.comparisonExcludedTags()) + " is left out of the resampling comparison");
            }
            int[] label = labels.get(r);
            int count = Arrays.stream(label).max().orElse(-1) + 1;
            double[] uByLabel = ResamplingScores.compute(t.stepImportance().get(), Math.min(count, t.numChunks()),
                    options.receiverScores().proximityIgnore(), options.resamplingTransform());
            int n = label.length;
            double[] u = new double[n];
            boolean[] included = new boolean[n];
            for (int s = 0; s < n; s++) {
                int l = label[s];
                boolean chunk = l >= 0 && l < uByLabel.length;
                u[s] = chunk ? uByLabel[l] : Double.NaN;
                included[s] = chunk && t.category(l).map(c -> !options.comparisonExcludedTags().contains(c)).orElse(true);
            }
            rows.add(new TraceSentences(t.id(), rho.get(r), u, included));
        }
        if (rows.isEmpty()) {
            notComputed.put(AnalysisPart.RESAMPLING, "no trace has a step_importance.json (the sentence-to-sentence"
                    + " resampling matrix; the math-rollouts layout keeps it in a separate step-attribution tree)");
            return Optional.empty();
        }
        if (!without.isEmpty()) {
            warnings.add(without.size() + " of " + inputs.size() + " traces have no step_importance.json and are left"
                    + " out of the resampling comparison: " + listed(without));
        }
        return Optional.of(BlackBoxComparison.resampling(rows, options.comparisonTrim()));
    }

    private static String listed(List<String> ids) {
        return ids.size() <= 5 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 5)) + ", ...";
    }
}
