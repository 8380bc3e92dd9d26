package io.thoughtanchors.data;

import java.util.List;

/** Contents of {@code summary.json} (statistics derived from the step-importance matrix). */
public record Summary(
        int problemIdx,
        int numChunks,
        double avgImportance,
        double maxImportance,
        double minImportance,
        List<SummaryStep> topInfluentialSteps,
        List<SummaryStep> topDependentSteps) {
}
