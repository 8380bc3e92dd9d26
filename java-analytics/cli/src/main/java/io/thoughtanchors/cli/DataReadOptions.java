package io.thoughtanchors.cli;

import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.data.SolutionFolder;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/** How --data is read: the choices its layouts leave open (docs/data-formats.md). */
final class DataReadOptions {

    @Option(names = "--prompt-file", paramLabel = "FILE",
            description = "The prompt the model saw before a plain-text chain of thought (--data FILE.txt);"
                    + " default: none.")
    Path promptFile;

    @Option(names = "--include-folders", paramLabel = "RUN", split = ",",
            description = "Also read these solution folders of a published tree: FORCED_ANSWER"
                    + " (<type>_base_solution_forced_answer), SANITY (<type>_base_solution_sanity). Each of their"
                    + " problem folders becomes a trace of its own; by default they are left out with a warning.")
    List<SolutionFolder.Run> includeFolders;

    @Option(names = "--step-attribution", paramLabel = "DIR",
            description = "The math-rollouts dataset's step-attribution tree (analysis/step_attribution, holding"
                    + " <model>/<type>/problem_<id>/step_importance.json and summary.json), read for problem folders"
                    + " without those files.")
    Path stepAttribution;

    @Option(names = "--skip-solutions",
            description = "Do not count the resampled rollouts (chunk_<i>/solutions.json) of published problem"
                    + " folders; no analysis reads them, and counting reads every byte (tens of GB for a whole"
                    + " model).")
    boolean skipSolutions;

    DataOptions options() {
        DataOptions options = DataOptions.defaults().withCountResamples(!skipSolutions);
        if (includeFolders != null && !includeFolders.isEmpty()) {
            options = options.withRuns(EnumSet.copyOf(includeFolders));
        }
        options = promptFile == null ? options : options.withPromptFile(promptFile);
        return stepAttribution == null ? options : options.withStepAttribution(stepAttribution);
    }
}
