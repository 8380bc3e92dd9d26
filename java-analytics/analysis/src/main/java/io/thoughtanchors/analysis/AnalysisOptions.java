package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.HeadAggregate;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.attention.VerticalScoreOptions;
import io.thoughtanchors.analysis.compare.ImportanceTransform;
import io.thoughtanchors.analysis.compare.Trim;
import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceMatch;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;

import java.util.List;
import java.util.Objects;

/**
 * Every choice of the receiver-head pipeline, immutable; {@link Profile} gives the reference settings and each
 * {@code with…} method changes one option.
 *
 * @param kurtosisScores     vertical scores feeding kurtosis and head ranking
 * @param receiverScores     vertical scores averaged into receiver-head scores (and proximity of the u score)
 * @param kurtosisMinFinite  NaN kurtosis when fewer finite scores (ARENA 4; 0 = none)
 * @param scoreTailNaN       PAPER-ERA Fig. 5: last 8 receiver scores set to NaN (0 = none)
 * @param categoryMinCount   (trace, category) groups with ≤ this many sentences are dropped
 * @param categoryBootstrap  the problem-level bootstrap of the category means (docs/algorithms.md §9)
 */
public record AnalysisOptions(
        SentenceSource sentenceSource,
        SentenceMatch sentenceMatch,
        BoundaryMode boundaryMode,
        Truncation truncation,
        PoolingConvention pooling,
        VerticalScoreOptions kurtosisScores,
        VerticalScoreOptions receiverScores,
        int kurtosisMinFinite,
        NanHeadPolicy nanHeadPolicy,
        LayerZero layerZero,
        int topK,
        HeadAggregate headAggregate,
        int scoreTailNaN,
        CategoryAggregate categoryAggregate,
        int categoryMinCount,
        List<String> categories,
        List<String> comparisonExcludedTags,
        ImportanceTransform resamplingTransform,
        Trim comparisonTrim,
        BootstrapOptions categoryBootstrap) {

    public AnalysisOptions {
        categories = List.copyOf(categories);
        comparisonExcludedTags = List.copyOf(comparisonExcludedTags);
        Objects.requireNonNull(categoryBootstrap, "categoryBootstrap");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be ≥ 1");
        }
    }

    public AnalysisOptions withSentenceSource(SentenceSource v) {
        return new AnalysisOptions(v, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withSentenceMatch(SentenceMatch v) {
        return new AnalysisOptions(sentenceSource, v, boundaryMode, truncation, pooling, kurtosisScores, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withBoundaryMode(BoundaryMode v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, v, truncation, pooling, kurtosisScores, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withTruncation(Truncation v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, v, pooling, kurtosisScores, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withPooling(PoolingConvention v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, v, kurtosisScores, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withKurtosisScores(VerticalScoreOptions v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, v, receiverScores,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withReceiverScores(VerticalScoreOptions v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores, v,
                kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withKurtosisMinFinite(int v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, v, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withNanHeadPolicy(NanHeadPolicy v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, v, layerZero, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withLayerZero(LayerZero v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, v, topK, headAggregate, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withTopK(int v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, v, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withHeadAggregate(HeadAggregate v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, v, scoreTailNaN, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withScoreTailNaN(int v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, v, categoryAggregate,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withCategoryAggregate(CategoryAggregate v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN, v,
                categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withCategoryMinCount(int v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, v, categories, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withCategories(List<String> v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, v, comparisonExcludedTags, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withComparisonExcludedTags(List<String> v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, categories, v, resamplingTransform, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withResamplingTransform(ImportanceTransform v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, categories, comparisonExcludedTags, v, comparisonTrim,
                categoryBootstrap);
    }

    public AnalysisOptions withComparisonTrim(Trim v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, categories, comparisonExcludedTags, resamplingTransform, v,
                categoryBootstrap);
    }

    public AnalysisOptions withCategoryBootstrap(BootstrapOptions v) {
        return new AnalysisOptions(sentenceSource, sentenceMatch, boundaryMode, truncation, pooling, kurtosisScores,
                receiverScores, kurtosisMinFinite, nanHeadPolicy, layerZero, topK, headAggregate, scoreTailNaN,
                categoryAggregate, categoryMinCount, categories, comparisonExcludedTags, resamplingTransform,
                comparisonTrim, v);
    }

    /** One line per option, for printing run settings. */
    public String describe() {
        return String.join("\n",
                "sentenceSource=" + sentenceSource,
                "sentenceMatch=" + sentenceMatch,
                "boundaryMode=" + boundaryMode,
                "truncation=" + truncation,
                "pooling=" + pooling,
                "kurtosisScores: " + kurtosisScores.describe(),
                "receiverScores: " + receiverScores.describe(),
                "kurtosisMinFinite=" + kurtosisMinFinite,
                "nanHeadPolicy=" + nanHeadPolicy,
                "layerZero=" + layerZero,
                "topK=" + topK,
                "headAggregate=" + headAggregate,
                "scoreTailNaN=" + scoreTailNaN,
                "categoryAggregate=" + categoryAggregate,
                "categoryMinCount=" + categoryMinCount,
                "categories=" + categories,
                "comparisonExcludedTags=" + comparisonExcludedTags,
                "resamplingTransform=" + resamplingTransform,
                "comparisonTrim=" + comparisonTrim,
                "categoryBootstrap: " + categoryBootstrap.describe());
    }
}
