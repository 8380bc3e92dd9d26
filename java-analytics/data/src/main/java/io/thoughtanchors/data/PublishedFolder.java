package io.thoughtanchors.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A problem folder of a published tree, web or math-rollouts layout.
 *
 * @param model           the model folder's name, e.g. {@code deepseek-r1-distill-qwen-14b}
 * @param sampling        the sampling folder (math-rollouts layout only)
 * @param problem         {@code problem.json}
 * @param baseSolution    {@code base_solution.json}
 * @param resamples       the {@code chunk_<i>/solutions.json} rollouts counted, when the folder has any and they
 *                        were read
 * @param stepAttribution the folder step_importance.json and summary.json came from when it is not this one
 */
public record PublishedFolder(DataLayout layout, Path folder, String model, Optional<SamplingFolder> sampling,
                              SolutionFolder solution, int problemId, Problem problem, BaseSolution baseSolution,
                              Optional<ResampleCounts> resamples, Optional<Path> stepAttribution)
        implements TraceSource {

    @Override
    public Path path() {
        return folder;
    }

    @Override
    public int problemNumber() {
        return problemId;
    }

    @Override
    public Optional<String> problemStatement() {
        return Optional.of(problem.problem());
    }

    /** e.g. {@code deepseek-r1-distill-qwen-14b/correct/2238}; math-rollouts ids name the sampling folder too. */
    public String traceId() {
        return model + "/" + sampling.map(s -> s.name() + "/").orElse("") + solution.idPart() + "/" + problemId;
    }
}
