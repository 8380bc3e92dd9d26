package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadRanking;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.ReceiverScores;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.compare.BlackBoxComparison;
import io.thoughtanchors.analysis.compare.BlackBoxResult;
import io.thoughtanchors.analysis.compare.ResamplingScores;
import io.thoughtanchors.analysis.compare.TraceSentences;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.analysis.reliability.SplitHalfReliability;
import io.thoughtanchors.analysis.reliability.SplitMode;
import io.thoughtanchors.analysis.stats.Kurtosis;
import io.thoughtanchors.analysis.taxonomy.CategoryAnalysis;
import io.thoughtanchors.analysis.taxonomy.CategoryResult;
import io.thoughtanchors.analysis.taxonomy.SentenceScore;
import io.thoughtanchors.data.LabeledChunk;
import io.thoughtanchors.data.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The receiver-head pipeline over already pooled attention (§6–§9, §12): per-trace kurtosis of every head,
 * head ranking, receiver-head scores, split-half reliability, category tests and the black-box comparison.
 * Pure: matrices come from suppliers (so a caller can load one trace at a time from its cache); nothing here
 * reads files.
 */
public final class ReceiverHeadAnalysis {

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

        List<double[]> rho = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (TraceScores t : perTrace) {
            rho.add(ReceiverScores.compute(t.scores(), heads, ranking.topHeads(), options.headAggregate(),
                    options.scoreTailNaN()));
            labels.add(t.labelIndex());
        }
        List<Integer> problems = inputs.stream().map(i -> i.trace().problemId()).toList();
        ReliabilityResult alternating = SplitHalfReliability.evaluate(problems, kurtosis, heads, SplitMode.ALTERNATING);
        ReliabilityResult byProblem = SplitHalfReliability.evaluate(problems, kurtosis, heads, SplitMode.BY_PROBLEM);
        CategoryResult categories = CategoryAnalysis.analyse(sentenceRows(inputs, rho, labels), options.categories(),
                options.categoryAggregate(), options.categoryMinCount());
        Optional<BlackBoxResult> blackBox = blackBox(inputs, rho, labels, warnings);
        return new ReceiverHeadResult(ids, layers, heads, kurtosis, ranking, rho, labels, alternating, byProblem,
                categories, blackBox, warnings);
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

    private static List<SentenceScore> sentenceRows(List<TraceInput> inputs, List<double[]> rho, List<int[]> labels) {
        List<SentenceScore> rows = new ArrayList<>();
        for (int r = 0; r < inputs.size(); r++) {
            Trace t = inputs.get(r).trace();
            for (int s = 0; s < labels.get(r).length; s++) {
                int label = labels.get(r)[s];
                if (label >= 0 && label < t.numLabeled()) {
                    rows.add(new SentenceScore(t.pnCi(), t.chunks().get(label).primaryTag(), rho.get(r)[s]));
                }
            }
        }
        return rows;
    }

    private Optional<BlackBoxResult> blackBox(List<TraceInput> inputs, List<double[]> rho, List<int[]> labels,
                                              List<String> warnings) {
        List<TraceSentences> rows = new ArrayList<>();
        for (int r = 0; r < inputs.size(); r++) {
            Trace t = inputs.get(r).trace();
            if (t.stepImportance().isEmpty()) {
                warnings.add(t.id() + ": no step_importance.json, left out of the black-box comparison");
                continue;
            }
            int[] label = labels.get(r);
            int count = Arrays.stream(label).max().orElse(-1) + 1;
            double[] uByLabel = ResamplingScores.compute(t.stepImportance().get(), Math.min(count, t.numLabeled()),
                    options.receiverScores().proximityIgnore(), options.resamplingTransform());
            int n = label.length;
            double[] u = new double[n];
            double[] cf = new double[n];
            boolean[] included = new boolean[n];
            for (int s = 0; s < n; s++) {
                int l = label[s];
                boolean labelled = l >= 0 && l < uByLabel.length;
                LabeledChunk c = labelled ? t.chunks().get(l) : null;
                u[s] = labelled ? uByLabel[l] : Double.NaN;
                // The last chunk's counterfactual importance is 0 by construction, not a measurement.
                cf[s] = labelled && l < t.numLabeled() - 1 ? c.counterfactualImportanceAccuracy() : Double.NaN;
                included[s] = labelled && !options.comparisonExcludedTags().contains(c.primaryTag());
            }
            rows.add(new TraceSentences(t.id(), rho.get(r), u, cf, included));
        }
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BlackBoxComparison.compare(rows, options.comparisonTrim()));
        } catch (IllegalArgumentException e) {
            warnings.add("black-box comparison skipped: " + e.getMessage());
            return Optional.empty();
        }
    }
}
