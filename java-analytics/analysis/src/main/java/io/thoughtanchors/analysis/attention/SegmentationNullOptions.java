package io.thoughtanchors.analysis.attention;

/**
 * Options of the kurtosis re-segmentation null (docs/algorithms.md §6.4).
 *
 * @param permutations      random re-segmentations per trace (the p-value's resolution is 1 / (permutations + 1))
 * @param seed              seed of the shuffles: the same seed and inputs give the same null
 * @param scores            the vertical-score variant kurtosis is computed from (the analysis' kurtosis variant)
 * @param kurtosisMinFinite as {@code AnalysisOptions.kurtosisMinFinite}
 */
public record SegmentationNullOptions(int permutations, long seed, VerticalScoreOptions scores, int kurtosisMinFinite) {

    public static final int DEFAULT_PERMUTATIONS = 200;
    public static final long DEFAULT_SEED = 0L;

    public SegmentationNullOptions {
        if (permutations < 1) {
            throw new IllegalArgumentException("permutations must be ≥ 1");
        }
        if (kurtosisMinFinite < 0) {
            throw new IllegalArgumentException("kurtosisMinFinite must be ≥ 0");
        }
    }

    /** Defaults (200 permutations, seed 0) over the given kurtosis variant. */
    public static SegmentationNullOptions defaults(VerticalScoreOptions scores, int kurtosisMinFinite) {
        return new SegmentationNullOptions(DEFAULT_PERMUTATIONS, DEFAULT_SEED, scores, kurtosisMinFinite);
    }

    public SegmentationNullOptions withPermutations(int p) {
        return new SegmentationNullOptions(p, seed, scores, kurtosisMinFinite);
    }

    public SegmentationNullOptions withSeed(long s) {
        return new SegmentationNullOptions(permutations, s, scores, kurtosisMinFinite);
    }
}
