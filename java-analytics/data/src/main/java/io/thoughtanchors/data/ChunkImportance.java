package io.thoughtanchors.data;

/**
 * A sentence's black-box (resampling) importance, the numeric fields of {@code chunks_labeled.json} or of a trace
 * file's {@code importance}. A field the file does not give is NaN, a missing value like any other.
 */
public record ChunkImportance(
        double accuracy,
        double resamplingImportanceAccuracy,
        double resamplingImportanceKl,
        double counterfactualImportanceAccuracy,
        double counterfactualImportanceKl,
        double forcedImportanceAccuracy,
        double forcedImportanceKl,
        double differentTrajectoriesFraction,
        double overdeterminedness) {

    /** The JSON field names, in the record's order (chunks_labeled.json and the trace format share them). */
    public static final java.util.List<String> FIELDS = java.util.List.of("accuracy", "resampling_importance_accuracy",
            "resampling_importance_kl", "counterfactual_importance_accuracy", "counterfactual_importance_kl",
            "forced_importance_accuracy", "forced_importance_kl", "different_trajectories_fraction",
            "overdeterminedness");

    /** The values in {@link #FIELDS} order. */
    public double[] values() {
        return new double[] {accuracy, resamplingImportanceAccuracy, resamplingImportanceKl,
            counterfactualImportanceAccuracy, counterfactualImportanceKl, forcedImportanceAccuracy, forcedImportanceKl,
            differentTrajectoriesFraction, overdeterminedness};
    }

    static ChunkImportance of(double[] v) {
        return new ChunkImportance(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
}
