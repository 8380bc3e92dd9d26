package io.thoughtanchors.data;

import java.util.List;
import java.util.Optional;

/**
 * One published trace folder {@code <modelDir>/<solutionType>/problem_<id>/}.
 *
 * <p>The importance matrices are {@code n_lab × n_lab}, row = source sentence, column = target sentence.
 * {@code stepImportance} has zeros on and below the diagonal (as the published summary assumes);
 * {@code stepImportanceSupp} has NaN wherever the file has no value. Arrays are shared, not copied:
 * treat them as read-only.
 */
public record Trace(
        String modelDir,
        SolutionType solutionType,
        int problemId,
        Problem problem,
        BaseSolution baseSolution,
        List<LabeledChunk> chunks,
        Optional<double[][]> stepImportance,
        Summary summary,
        Optional<double[][]> stepImportanceSupp) {

    public Trace {
        chunks = List.copyOf(chunks);
    }

    /** Stable id such as {@code deepseek-r1-distill-qwen-14b/correct/2238}. */
    public String id() {
        return modelDir + "/" + solutionType.shortName() + "/" + problemId;
    }

    /** Paper-era numeric id: problem id × 100 + 1 (correct) or + 0 (incorrect). */
    public int pnCi() {
        return problemId * 100 + solutionType.pnCiDigit();
    }

    /** Number of labelled chunks ({@code n_lab}). */
    public int numLabeled() {
        return chunks.size();
    }
}
