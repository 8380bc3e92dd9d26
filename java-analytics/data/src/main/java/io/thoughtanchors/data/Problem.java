package io.thoughtanchors.data;

/** Contents of {@code problem.json}. */
public record Problem(String problem, String level, String type, String gtSolution, String gtAnswer, String nickname) {
}
