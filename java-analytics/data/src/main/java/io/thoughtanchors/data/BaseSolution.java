package io.thoughtanchors.data;

/** Contents of {@code base_solution.json}; {@code fullCot == prompt + solution} in the published data. */
public record BaseSolution(String prompt, String solution, String fullCot, String answer, boolean isCorrect) {
}
