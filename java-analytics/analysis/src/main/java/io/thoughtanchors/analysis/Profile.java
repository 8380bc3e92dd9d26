package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.attention.DepthControl;
import io.thoughtanchors.analysis.attention.HeadAggregate;
import io.thoughtanchors.analysis.attention.LayerZero;
import io.thoughtanchors.analysis.attention.NanHeadPolicy;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.attention.VerticalScoreOptions;
import io.thoughtanchors.analysis.compare.ImportanceTransform;
import io.thoughtanchors.analysis.compare.Trim;
import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.taxonomy.Categories;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceMatch;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;

/** Configuration profiles of docs/algorithms.md §14.1. */
public enum Profile {
    /** The polished HEAD white-box code as its scripts call it. */
    REF_HEAD,
    /**
     * The code behind the paper figures. Top-k 20 follows the receiver-vs-resampling analysis; Fig. 5 used 32
     * (Qwen) / 64 (Llama) and head selection with proximity 20 — set those with {@code with…} to reproduce it.
     */
    REF_PAPER,
    /** Recommended defaults of the new implementation. */
    RECOMMENDED;

    public AnalysisOptions options() {
        VerticalScoreOptions head = VerticalScoreOptions.head();
        return switch (this) {
            case REF_HEAD -> new AnalysisOptions(SentenceSource.HEAD_KEEP_SPACING, SentenceMatch.EXACT_OR_STRIPPED,
                    BoundaryMode.HEAD_PREFIX_COUNT, Truncation.NONE, PoolingConvention.HEAD_CLIP, head, head, 0,
                    NanHeadPolicy.FAIL, LayerZero.INCLUDE, 20, HeadAggregate.MEAN, 0, CategoryAggregate.MEAN, 2,
                    Categories.FIGURE_ORDER, Categories.COMPARISON_EXCLUDED, ImportanceTransform.ABSOLUTE, Trim.MIN_AND_MAX,
                    BootstrapOptions.DEFAULT);
            case REF_PAPER -> new AnalysisOptions(SentenceSource.PAPER_SPLIT, SentenceMatch.EXACT_OR_STRIPPED,
                    BoundaryMode.PAPER_SHIFTED_PREFIX, Truncation.PAPER_SEMI, PoolingConvention.PAPER_REGIONS,
                    head.withDepthControl(DepthControl.ROW_INDEX_SCALING).withDropEnds(4), head, 0,
                    NanHeadPolicy.SKIP_TRACES_OVER_HALF_NAN, LayerZero.EXCLUDE, 20, HeadAggregate.MEAN, 8,
                    CategoryAggregate.MEAN, 2, Categories.FIGURE_ORDER, Categories.COMPARISON_EXCLUDED,
                    ImportanceTransform.ABSOLUTE, Trim.MIN_AND_MAX,
                    BootstrapOptions.DEFAULT);
            case RECOMMENDED -> new AnalysisOptions(SentenceSource.ALL_LABELLED, SentenceMatch.WHITESPACE_REGEX_FALLBACK,
                    BoundaryMode.OFFSETS, Truncation.NONE, PoolingConvention.RECOMMENDED, head, head, 0,
                    NanHeadPolicy.PROPAGATE, LayerZero.EXCLUDE, 20, HeadAggregate.NANMEAN, 0, CategoryAggregate.MEAN, 2,
                    Categories.FIGURE_ORDER, Categories.COMPARISON_EXCLUDED, ImportanceTransform.ABSOLUTE, Trim.MIN_AND_MAX,
                    BootstrapOptions.DEFAULT);
        };
    }
}
