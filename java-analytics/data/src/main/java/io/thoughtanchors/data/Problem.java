package io.thoughtanchors.data;

import java.util.Optional;

/**
 * Contents of a published {@code problem.json}.
 *
 * @param nickname the short title the web interface shows; the rollouts dataset does not always have one
 */
public record Problem(String problem, String level, String type, String gtSolution, String gtAnswer,
                      Optional<String> nickname) {
}
