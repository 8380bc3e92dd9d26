package io.thoughtanchors.report;

import java.util.Optional;

/** The report's figures, with the file each becomes and what of the model it needs. */
public enum FigureId {
    HEAD_MATRIX("fig4a_receiver_head_matrix", "Figure 4A: a receiver head's sentence × sentence attention"),
    LAYER_VERTICAL_SCORES("fig4b_layer_vertical_scores", "Figure 4B: vertical scores of every head in one layer"),
    KURTOSIS_BY_LAYER("fig4c_kurtosis_by_layer", "Figure 4C: head kurtosis by layer"),
    KURTOSIS_HISTOGRAM("fig4d_kurtosis_histogram", "Figure 4D: histogram of head kurtosis"),
    RELIABILITY("fig4e_split_half_reliability", "Figure 4E: split-half reliability of head kurtosis"),
    CATEGORY_BOXPLOT("fig5_receiver_score_by_category", "Figure 5: receiver-head score by sentence category"),
    SUPPRESSION_MATRIX("fig6a_suppression_matrix", "Figure 6A: row-normalised suppression matrix"),
    SUPPRESSION_BY_DISTANCE("fig6b_suppression_by_distance", "Figure 6B: suppression effect by sentence distance"),
    RECEIVER_VS_COUNTERFACTUAL("receiver_vs_counterfactual", "Receiver-head score against counterfactual importance"),
    SENTENCE_RECEIVER_SCORES("sentence_receiver_scores", "Receiver-head score of every sentence"),
    SENTENCE_VERTICAL_SCORES("sentence_vertical_scores", "Vertical score of every sentence under the top head");

    /** File name without extension, also the figure's id in the HTML page and on the command line. */
    public final String fileStem;
    public final String caption;

    FigureId(String fileStem, String caption) {
        this.fileStem = fileStem;
        this.caption = caption;
    }

    /** Why {@code model} cannot draw this figure, or empty when it can. */
    public Optional<String> missingIn(ReportModel model) {
        return switch (this) {
            case RELIABILITY -> model.notComputed(ReportModel.Part.RELIABILITY);
            case CATEGORY_BOXPLOT -> model.notComputed(ReportModel.Part.CATEGORIES);
            case SUPPRESSION_MATRIX, SUPPRESSION_BY_DISTANCE -> model.notComputed(ReportModel.Part.SUPPRESSION);
            case RECEIVER_VS_COUNTERFACTUAL -> model.notComputed(ReportModel.Part.BLACK_BOX);
            default -> Optional.empty();
        };
    }

    public static Optional<FigureId> byStem(String stem) {
        for (FigureId id : values()) {
            if (id.fileStem.equals(stem) || id.name().equalsIgnoreCase(stem)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }
}
