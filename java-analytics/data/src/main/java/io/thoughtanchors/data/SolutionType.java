package io.thoughtanchors.data;

import java.util.Optional;

/** Whether a base trace reached the correct answer; the folder names are those of the published data. */
public enum SolutionType {
    CORRECT("correct_base_solution", "correct", 1),
    INCORRECT("incorrect_base_solution", "incorrect", 0);

    private final String dirName;
    private final String shortName;
    private final int pnCiDigit;

    SolutionType(String dirName, String shortName, int pnCiDigit) {
        this.dirName = dirName;
        this.shortName = shortName;
        this.pnCiDigit = pnCiDigit;
    }

    /** Folder name in the trace tree, e.g. {@code correct_base_solution}. */
    public String dirName() {
        return dirName;
    }

    /** Short name used in trace ids, e.g. {@code correct}. */
    public String shortName() {
        return shortName;
    }

    /** Last digit of the paper-era numeric trace id (1 correct, 0 incorrect). */
    public int pnCiDigit() {
        return pnCiDigit;
    }

    public static Optional<SolutionType> fromDirName(String name) {
        for (SolutionType t : values()) {
            if (t.dirName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
