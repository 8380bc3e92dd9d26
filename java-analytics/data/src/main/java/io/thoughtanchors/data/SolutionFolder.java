package io.thoughtanchors.data;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A solution folder of a published tree, {@code <correct|incorrect>_base_solution[_forced_answer|_sanity]}: whether
 * the base trace is correct, and which run of the rollouts the folder holds.
 */
public record SolutionFolder(SolutionType type, Run run) {

    /** Which rollouts a solution folder holds; only {@link #BASE} folders are read unless others are asked for. */
    public enum Run {
        /** The base solutions and their resampled rollouts: the analysis input. */
        BASE(""),
        /** The same base solutions, rolled out with the answer forced after each prefix. */
        FORCED_ANSWER("_forced_answer"),
        /** A sanity-check run of the authors' generator; not analysis input. */
        SANITY("_sanity");

        private final String suffix;

        Run(String suffix) {
            this.suffix = suffix;
        }

        /** The folder-name suffix, e.g. {@code _forced_answer}. */
        public String suffix() {
            return suffix;
        }

        /** e.g. {@code forced_answer} (how options and messages name it). */
        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern NAME = Pattern.compile("(correct|incorrect)_base_solution(_forced_answer|_sanity)?");

    public static Optional<SolutionFolder> parse(String folderName) {
        Matcher m = NAME.matcher(folderName);
        if (!m.matches()) {
            return Optional.empty();
        }
        SolutionType type = m.group(1).equals("correct") ? SolutionType.CORRECT : SolutionType.INCORRECT;
        Run run = m.group(2) == null ? Run.BASE : m.group(2).equals("_sanity") ? Run.SANITY : Run.FORCED_ANSWER;
        return Optional.of(new SolutionFolder(type, run));
    }

    /** e.g. {@code correct_base_solution_forced_answer}. */
    public String dirName() {
        return type.shortName() + "_base_solution" + run.suffix;
    }

    /** The part of a trace id, e.g. {@code correct} or {@code correct_forced_answer}. */
    public String idPart() {
        return type.shortName() + run.suffix;
    }
}
