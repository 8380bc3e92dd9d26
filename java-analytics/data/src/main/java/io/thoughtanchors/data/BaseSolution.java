package io.thoughtanchors.data;

/** Contents of a published {@code base_solution.json}; the reader checks {@code fullCot == prompt + solution}. */
public record BaseSolution(String prompt, String solution, String fullCot, String answer, boolean isCorrect) {
}
