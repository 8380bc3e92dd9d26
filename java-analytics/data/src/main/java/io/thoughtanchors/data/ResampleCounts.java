package io.thoughtanchors.data;

/**
 * The resampled rollouts of a published problem folder ({@code chunk_<i>/solutions.json}), counted. No analysis
 * reads the rollouts themselves (black-box importance comes precomputed in {@code chunks_labeled.json}), but the
 * published files hold many defective records, and a user should know how many.
 *
 * @param chunkFolders    {@code chunk_<i>} folders with a solutions.json
 * @param solutions       records in them
 * @param withError       records with an {@code error} field (the published defect: no rollout, no answer)
 * @param withoutAnswer   the other records without a non-empty {@code answer}
 * @param unreadableFiles solutions.json files that are not a JSON array of objects
 */
public record ResampleCounts(int chunkFolders, long solutions, long withError, long withoutAnswer,
                             int unreadableFiles) {

    /** Records the authors' own filter keeps: an answer and no error. */
    public long usable() {
        return solutions - withError - withoutAnswer;
    }

    public long skipped() {
        return withError + withoutAnswer;
    }
}
