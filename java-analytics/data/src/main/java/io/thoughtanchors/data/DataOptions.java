package io.thoughtanchors.data;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The choices a layout leaves open when {@code --data} is read.
 *
 * @param runs            solution folders read besides none: {@link SolutionFolder.Run#BASE} always, forced-answer
 *                        and sanity folders only when named (each becomes its own trace); the others are left out
 *                        with a warning
 * @param stepAttribution a step-attribution tree ({@code analysis/step_attribution}, holding
 *                        {@code <model>/<type>/problem_<id>/step_importance.json, summary.json}) for the published
 *                        problem folders that lack those files
 * @param promptFile      the prompt before a plain-text chain of thought (only with a {@code .txt} file)
 * @param countResamples  count the {@code chunk_<i>/solutions.json} rollouts of published folders (nothing else
 *                        reads them; counting a whole 55 GB tree reads every byte of it)
 * @param storedLabels    read the labels a ta-trace/1 file holds (and refuse them when they were made for another
 *                        split); off when they are about to be replaced, so that {@code ta label} can relabel a trace
 *                        whose labels no longer match its text. Published folders' labels come with their importance
 *                        ({@code chunks_labeled.json}) and are always read.
 */
public record DataOptions(Set<SolutionFolder.Run> runs, Optional<Path> stepAttribution, Optional<Path> promptFile,
                          boolean countResamples, boolean storedLabels) {

    public DataOptions {
        EnumSet<SolutionFolder.Run> read = EnumSet.of(SolutionFolder.Run.BASE);
        read.addAll(runs);
        runs = Set.copyOf(read);
        Objects.requireNonNull(stepAttribution, "stepAttribution");
        Objects.requireNonNull(promptFile, "promptFile");
    }

    /** Base folders only, no step-attribution tree, no prompt file, rollouts counted, stored labels read. */
    public static DataOptions defaults() {
        return new DataOptions(Set.of(SolutionFolder.Run.BASE), Optional.empty(), Optional.empty(), true, true);
    }

    /** Also read these solution folders (base folders are always read). */
    public DataOptions withRuns(Set<SolutionFolder.Run> runs) {
        return new DataOptions(runs, stepAttribution, promptFile, countResamples, storedLabels);
    }

    public DataOptions withStepAttribution(Path tree) {
        return new DataOptions(runs, Optional.of(tree), promptFile, countResamples, storedLabels);
    }

    public DataOptions withPromptFile(Path file) {
        return new DataOptions(runs, stepAttribution, Optional.of(file), countResamples, storedLabels);
    }

    public DataOptions withCountResamples(boolean count) {
        return new DataOptions(runs, stepAttribution, promptFile, count, storedLabels);
    }

    public DataOptions withStoredLabels(boolean read) {
        return new DataOptions(runs, stepAttribution, promptFile, countResamples, read);
    }
}
