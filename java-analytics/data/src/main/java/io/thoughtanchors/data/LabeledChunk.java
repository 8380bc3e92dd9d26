package io.thoughtanchors.data;

import java.util.List;

/**
 * One entry of {@code chunks_labeled.json}. Numeric fields absent from a file are NaN so that
 * analyses can treat them like any other missing value.
 */
public record LabeledChunk(
        String chunk,
        int chunkIdx,
        List<String> functionTags,
        List<Integer> dependsOn,
        double accuracy,
        double resamplingImportanceAccuracy,
        double resamplingImportanceKl,
        double counterfactualImportanceAccuracy,
        double counterfactualImportanceKl,
        double forcedImportanceAccuracy,
        double forcedImportanceKl,
        double differentTrajectoriesFraction,
        double overdeterminedness,
        String summary) {

    /** Tag used for categories (the first function tag), {@code "unknown"} when the list is empty. */
    public String primaryTag() {
        return functionTags.isEmpty() ? "unknown" : functionTags.get(0);
    }
}
