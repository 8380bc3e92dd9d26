package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.attention.HeadRanking;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.NanKurtosisException;
import io.thoughtanchors.analysis.attention.PooledAttention;
import io.thoughtanchors.analysis.attention.RecencyShare;
import io.thoughtanchors.analysis.attention.SegmentationNull;
import io.thoughtanchors.analysis.attention.VerticalScoreOptions;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.stats.Correlation;
import io.thoughtanchors.analysis.stats.CorrelationResult;
import io.thoughtanchors.analysis.stats.Kurtosis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The receiver-head controls over the sentence-level pooled matrices a run already has (docs/algorithms.md §6.4,
 * §6.5): each head's recency share, and the head ranking redone at every value of a {@code proximity_ignore} sweep
 * with its agreement with the run's own ranking. The re-segmentation null needs finer matrices and is added by the
 * caller ({@link Result#withSegmentationNull}). Pure: one trace at a time in, small per-trace vectors kept.
 */
public final class HeadControls {
    private HeadControls() {
    }

    /**
     * One trace's share per head and, per sweep value, its kurtosis per head.
     *
     * @param recencyShare  flat {@code [layers·heads]}
     * @param sweepKurtosis {@code [sweep value][layers·heads]}, in the order of {@link HeadControlOptions#proximitySweep}
     */
    public record TraceControls(double[] recencyShare, double[][] sweepKurtosis) {
    }

    /**
     * The head ranking at one proximity-ignore value against the run's.
     *
     * @param configured   whether this is the run's own value (its ranking is then the run's)
     * @param ranking      empty when the NaN-head policy refuses a NaN kurtosis at this value
     * @param overlapCount heads in both top-k sets
     * @param overlap      {@code |A ∩ B| / max(|A|, |B|)}, {@code |A ∩ B| / k} when both hold k heads; NaN when either
     *                     selects no head
     * @param spearman     rank correlation of the mean kurtosis of the heads finite in both rankings
     * @param notComputed  why {@code ranking} is empty or selects no head
     */
    public record SweepPoint(int proximityIgnore, boolean configured, Optional<HeadRankingResult> ranking,
                             int overlapCount, double overlap, CorrelationResult spearman,
                             Optional<String> notComputed) {
    }

    /**
     * @param recencyShare     flat, the mean over traces of each head's share (traces where it is NaN left out)
     * @param proximityIgnore  the proximity window of the share, the run's kurtosis-variant k
     * @param sweep            one point per sweep value, ascending
     * @param segmentationNull the re-segmentation null, when run
     */
    public record Result(int layers, int heads, int proximityIgnore, double[] recencyShare, List<SweepPoint> sweep,
                         Optional<SegmentationNull.Result> segmentationNull) {
        public Result {
            sweep = List.copyOf(sweep);
        }

        public Result withSegmentationNull(SegmentationNull.Result n) {
            if (n.layers() != layers || n.heads() != heads) {
                throw new IllegalArgumentException("the null has " + n.layers() + "×" + n.heads() + " heads, the run "
                        + layers + "×" + heads);
            }
            return new Result(layers, heads, proximityIgnore, recencyShare, sweep, Optional.of(n));
        }
    }

    /** Share and sweep kurtosis of every head of one trace, from the matrices of its analysis. */
    public static TraceControls ofTrace(PooledAttention att, AnalysisOptions options, HeadControlOptions controls) {
        double[] share = RecencyShare.perHead(att, options.kurtosisScores());
        List<Integer> values = controls.proximitySweep();
        double[][] sweep = new double[values.size()][];
        for (int s = 0; s < values.size(); s++) {
            sweep[s] = kurtosisPerHead(att, options.kurtosisScores().withProximityIgnore(values.get(s)),
                    options.kurtosisMinFinite());
        }
        return new TraceControls(share, sweep);
    }

    /** Kurtosis of every head's vertical scores under {@code scores}, flat {@code [layers·heads]}. */
    static double[] kurtosisPerHead(PooledAttention att, VerticalScoreOptions scores, int minFinite) {
        VerticalScores scorer = new VerticalScores(scores);
        double[] out = new double[att.layers() * att.heads()];
        double[] v = new double[att.sentences()];
        for (int l = 0; l < att.layers(); l++) {
            for (int h = 0; h < att.heads(); h++) {
                scorer.compute(att.data(), att.offset(l, h), att.size(), att.layout(), v);
                out[l * att.heads() + h] = Kurtosis.excess(v, minFinite);
            }
        }
        return out;
    }

    /**
     * @param traceIds  the traces of {@code perTrace}, in the same order (for messages)
     * @param reference the run's own ranking
     */
    public static Result combine(List<String> traceIds, List<TraceControls> perTrace, HeadRankingResult reference,
                                 AnalysisOptions options, HeadControlOptions controls) {
        int size = reference.layers() * reference.heads();
        double[] share = new double[size];
        for (int f = 0; f < size; f++) {
            double sum = 0;
            int count = 0;
            for (TraceControls t : perTrace) {
                if (Double.isFinite(t.recencyShare()[f])) {
                    sum += t.recencyShare()[f];
                    count++;
                }
            }
            share[f] = count == 0 ? Double.NaN : sum / count;
        }
        int configured = options.kurtosisScores().proximityIgnore();
        List<SweepPoint> sweep = new ArrayList<>();
        List<Integer> values = controls.proximitySweep();
        for (int s = 0; s < values.size(); s++) {
            int k = values.get(s);
            int index = s;
            List<double[]> kurtosis = perTrace.stream().map(t -> t.sweepKurtosis()[index]).toList();
            try {
                HeadRankingResult ranking = HeadRanking.rank(traceIds, kurtosis, reference.layers(), reference.heads(),
                        options.nanHeadPolicy(), options.layerZero(), options.topK());
                sweep.add(compare(k, k == configured, ranking, reference));
            } catch (NanKurtosisException e) {
                sweep.add(new SweepPoint(k, k == configured, Optional.empty(), 0, Double.NaN,
                        CorrelationResult.undefined(0), Optional.of(e.getMessage() + ", which --nan-heads "
                        + options.nanHeadPolicy() + " refuses")));
            }
        }
        return new Result(reference.layers(), reference.heads(), configured, share, sweep, Optional.empty());
    }

    /** Top-k overlap and kurtosis rank correlation of {@code ranking} against {@code reference}. */
    public static SweepPoint compare(int proximityIgnore, boolean configured, HeadRankingResult ranking,
                                     HeadRankingResult reference) {
        Set<Head> a = new HashSet<>(ranking.topHeads());
        int both = (int) reference.topHeads().stream().filter(a::contains).count();
        int k = Math.max(a.size(), reference.topHeads().size());
        boolean none = a.isEmpty() || reference.topHeads().isEmpty();
        return new SweepPoint(proximityIgnore, configured, Optional.of(ranking), both,
                none ? Double.NaN : (double) both / k,
                Correlation.spearman(ranking.meanKurtosis(), reference.meanKurtosis()),
                a.isEmpty() ? Optional.of("no head has a finite mean kurtosis at this proximity (too few sentences"
                        + " at least " + proximityIgnore + " apart)") : Optional.empty());
    }
}
