package io.thoughtanchors.data;

/** Whether a published base trace reached the correct answer. */
public enum SolutionType {
    CORRECT("correct"),
    INCORRECT("incorrect");

    private final String shortName;

    SolutionType(String shortName) {
        this.shortName = shortName;
    }

    /** The name in folder names and trace ids, e.g. {@code correct}. */
    public String shortName() {
        return shortName;
    }
}
