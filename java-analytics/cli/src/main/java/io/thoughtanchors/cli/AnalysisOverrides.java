package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.attention.DepthControl;
import io.thoughtanchors.analysis.attention.HeadAggregate;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.pipeline.PipelineException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Single options on top of a profile; an option left out keeps the profile's value. */
final class AnalysisOverrides {

    @Option(names = "--top-k", paramLabel = "K", description = "Receiver heads selected by mean kurtosis.")
    Integer topK;

    @Option(names = "--proximity", paramLabel = "K",
            description = "proximityIgnore of both vertical scores: sentence j is scored from receivers i >= j + K.")
    Integer proximity;

    @Option(names = "--depth-control", paramLabel = "MODE",
            description = "Depth control of the kurtosis scores: ${COMPLETION-CANDIDATES}.")
    DepthControl depthControl;

    @Option(names = "--drop-ends", paramLabel = "N", description = "Kurtosis scores blanked at both ends.")
    Integer dropEnds;

    /** Sentences and token boundaries, the part suppression-matrix shares. */
    @Mixin
    TextOverrides text;

    @Option(names = "--pooling", paramLabel = "CONVENTION", description = "${COMPLETION-CANDIDATES}.")
    PoolingConvention pooling;

    @Option(names = "--layer-zero", paramLabel = "CHOICE",
            description = "Layer 0 in the ranking: ${COMPLETION-CANDIDATES}.")
    LayerZero layerZero;

    @Option(names = "--nan-heads", paramLabel = "POLICY",
            description = "NaN kurtosis across traces: ${COMPLETION-CANDIDATES}.")
    NanHeadPolicy nanHeads;

    @Option(names = "--head-aggregate", paramLabel = "AGG", description = "${COMPLETION-CANDIDATES}.")
    HeadAggregate headAggregate;

    @Option(names = "--category-aggregate", paramLabel = "AGG", description = "${COMPLETION-CANDIDATES}.")
    CategoryAggregate categoryAggregate;

    @Option(names = "--category-resamples", paramLabel = "N",
            description = "Bootstrap resamples of problems for the category means' intervals (default 2000).")
    Integer categoryResamples;

    @Option(names = "--category-ci-level", paramLabel = "LEVEL",
            description = "Coverage of the category means' percentile intervals, in (0, 1) (default 0.95).")
    Double categoryCiLevel;

    @Option(names = "--category-seed", paramLabel = "SEED", description = "Seed of that bootstrap (default 1).")
    Long categorySeed;

    AnalysisOptions apply(AnalysisOptions o) {
        if (topK != null) {
            o = o.withTopK(atLeast(1, "--top-k", topK));
        }
        if (proximity != null) {
            int k = atLeast(0, "--proximity", proximity);
            o = o.withKurtosisScores(o.kurtosisScores().withProximityIgnore(k))
                    .withReceiverScores(o.receiverScores().withProximityIgnore(k));
        }
        if (depthControl != null) {
            o = o.withKurtosisScores(o.kurtosisScores().withDepthControl(depthControl));
        }
        if (dropEnds != null) {
            o = o.withKurtosisScores(o.kurtosisScores().withDropEnds(atLeast(0, "--drop-ends", dropEnds)));
        }
        o = text.apply(o);
        o = pooling == null ? o : o.withPooling(pooling);
        o = layerZero == null ? o : o.withLayerZero(layerZero);
        o = nanHeads == null ? o : o.withNanHeadPolicy(nanHeads);
        o = headAggregate == null ? o : o.withHeadAggregate(headAggregate);
        o = categoryAggregate == null ? o : o.withCategoryAggregate(categoryAggregate);
        return o.withCategoryBootstrap(bootstrap(o.categoryBootstrap()));
    }

    private BootstrapOptions bootstrap(BootstrapOptions b) {
        if (categoryResamples != null) {
            b = b.withResamples(atLeast(1, "--category-resamples", categoryResamples));
        }
        if (categoryCiLevel != null) {
            if (!(categoryCiLevel > 0 && categoryCiLevel < 1)) {
                throw PipelineException.invalidRequest("--category-ci-level must be strictly between 0 and 1, got "
                        + categoryCiLevel);
            }
            b = b.withLevel(categoryCiLevel);
        }
        return categorySeed == null ? b : b.withSeed(categorySeed);
    }

    private static int atLeast(int min, String option, int value) {
        if (value < min) {
            throw PipelineException.invalidRequest(option + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
