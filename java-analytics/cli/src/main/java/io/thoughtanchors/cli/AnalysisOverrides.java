package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.attention.DepthControl;
import io.thoughtanchors.analysis.attention.HeadAggregate;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PoolingConvention;
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
        return categoryAggregate == null ? o : o.withCategoryAggregate(categoryAggregate);
    }

    private static int atLeast(int min, String option, int value) {
        if (value < min) {
            throw PipelineException.invalidRequest(option + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
