package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.HeadControlOptions;
import io.thoughtanchors.pipeline.PipelineException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The receiver-head controls (docs/algorithms.md §6.4–6.5), outside the profiles: the sweep and the null. */
final class HeadControlFlags {

    @Option(names = "--proximity-sweep", paramLabel = "K,K,...|off",
            description = "proximity_ignore values the head ranking is redone at, compared with the run's"
                    + " (proximity_sweep.csv; default 0,1,2,4,8,16; off = none).")
    String proximitySweep;

    @Option(names = "--segmentation-null", paramLabel = "PERMS",
            description = "Kurtosis null from PERMS random re-segmentations per trace (z and p per head in"
                    + " head_controls.csv); one more pooled-attention pass per trace. Default off.")
    Integer segmentationNull;

    @Option(names = "--null-seed", paramLabel = "SEED", description = "Seed of the null's shuffles (default 0).")
    Long nullSeed;

    @Option(names = "--null-block-tokens", paramLabel = "B",
            description = "Fine blocks of at most B tokens for the null (1 = exact, token level; default 4)."
                    + " A trace's fine matrix is layers x heads x blocks² floats, at most 2^27.")
    Integer nullBlockTokens;

    HeadControlOptions apply(HeadControlOptions o) {
        if (proximitySweep != null) {
            o = o.withProximitySweep(sweep(proximitySweep));
        }
        if (segmentationNull != null) {
            if (segmentationNull < 1) {
                throw PipelineException.invalidRequest("--segmentation-null must be at least 1, got "
                        + segmentationNull);
            }
            o = o.withSegmentationNull(segmentationNull);
        }
        if ((nullSeed != null || nullBlockTokens != null) && segmentationNull == null) {
            throw PipelineException.invalidRequest("--null-seed and --null-block-tokens set the re-segmentation null;"
                    + " give --segmentation-null PERMS too");
        }
        if (nullSeed != null) {
            o = o.withNullSeed(nullSeed);
        }
        if (nullBlockTokens != null) {
            if (nullBlockTokens < 1) {
                throw PipelineException.invalidRequest("--null-block-tokens must be at least 1, got " + nullBlockTokens);
            }
            o = o.withNullBlockTokens(nullBlockTokens);
        }
        return o;
    }

    private static List<Integer> sweep(String text) {
        if (text.strip().equalsIgnoreCase("off")) {
            return List.of();
        }
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                int k = Integer.parseInt(part.strip());
                if (k < 0) {
                    throw new NumberFormatException();
                }
                values.add(k);
            } catch (NumberFormatException e) {
                throw PipelineException.invalidRequest("--proximity-sweep takes comma-separated integers ≥ 0 or off,"
                        + " got " + text);
            }
        }
        return values;
    }
}
