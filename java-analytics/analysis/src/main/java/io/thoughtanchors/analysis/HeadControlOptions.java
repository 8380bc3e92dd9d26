package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.SegmentationNullOptions;

import java.util.List;

/**
 * The receiver-head controls of a run (docs/algorithms.md §6.4, §6.5), outside the profiles: the recency share is
 * always computed; the {@code proximity_ignore} sweep is on by default (pure Java over the matrices a run already
 * has); the re-segmentation null is off by default because it needs one more worker pass per trace.
 *
 * @param proximitySweep   the proximity-ignore values the head ranking is redone with (empty = no sweep)
 * @param nullPermutations re-segmentations of the null (0 = no null)
 * @param nullSeed         seed of the null's shuffles
 * @param nullBlockTokens  tokens per fine block of the null's pooled attention (1 = token level, exact)
 */
public record HeadControlOptions(List<Integer> proximitySweep, int nullPermutations, long nullSeed,
                                 int nullBlockTokens) {

    public static final List<Integer> DEFAULT_SWEEP = List.of(0, 1, 2, 4, 8, 16);
    public static final int DEFAULT_BLOCK_TOKENS = 4;

    /** Recency share, the default sweep, no null. */
    public static final HeadControlOptions DEFAULTS = new HeadControlOptions(DEFAULT_SWEEP, 0,
            SegmentationNullOptions.DEFAULT_SEED, DEFAULT_BLOCK_TOKENS);

    public HeadControlOptions {
        proximitySweep = proximitySweep.stream().distinct().sorted().toList();
        if (proximitySweep.stream().anyMatch(k -> k < 0)) {
            throw new IllegalArgumentException("proximity sweep values must be ≥ 0, got " + proximitySweep);
        }
        if (nullPermutations < 0) {
            throw new IllegalArgumentException("null permutations must be ≥ 0 (0 = no null), got " + nullPermutations);
        }
        if (nullBlockTokens < 1) {
            throw new IllegalArgumentException("null block tokens must be ≥ 1, got " + nullBlockTokens);
        }
    }

    public HeadControlOptions withProximitySweep(List<Integer> values) {
        return new HeadControlOptions(values, nullPermutations, nullSeed, nullBlockTokens);
    }

    /** The re-segmentation null with this many permutations (0 turns it off). */
    public HeadControlOptions withSegmentationNull(int permutations) {
        return new HeadControlOptions(proximitySweep, permutations, nullSeed, nullBlockTokens);
    }

    public HeadControlOptions withNullSeed(long seed) {
        return new HeadControlOptions(proximitySweep, nullPermutations, seed, nullBlockTokens);
    }

    public HeadControlOptions withNullBlockTokens(int tokens) {
        return new HeadControlOptions(proximitySweep, nullPermutations, nullSeed, tokens);
    }

    public boolean segmentationNull() {
        return nullPermutations > 0;
    }

    /** The null's analysis options: these permutations and seed over the run's kurtosis variant. */
    public SegmentationNullOptions nullOptions(AnalysisOptions options) {
        if (!segmentationNull()) {
            throw new IllegalStateException("the re-segmentation null is off");
        }
        return new SegmentationNullOptions(nullPermutations, nullSeed, options.kurtosisScores(),
                options.kurtosisMinFinite());
    }

    /** One line per option, for run.json. */
    public List<String> describe() {
        return List.of("proximitySweep=" + proximitySweep,
                "segmentationNull=" + (segmentationNull() ? nullPermutations + " permutations, seed " + nullSeed
                        + ", blocks of at most " + nullBlockTokens + " tokens" : "off"));
    }
}
