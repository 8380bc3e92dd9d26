package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceMatch;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;
import picocli.CommandLine.Option;

/** The profile options that decide the sentences and their token ranges; an option left out keeps the profile's. */
final class TextOverrides {

    @Option(names = "--sentence-source", paramLabel = "SOURCE", description = "${COMPLETION-CANDIDATES}.")
    SentenceSource sentenceSource;

    @Option(names = "--sentence-match", paramLabel = "MATCH", description = "${COMPLETION-CANDIDATES}.")
    SentenceMatch sentenceMatch;

    @Option(names = "--boundary-mode", paramLabel = "MODE", description = "${COMPLETION-CANDIDATES}.")
    BoundaryMode boundaryMode;

    @Option(names = "--truncation", paramLabel = "MODE", description = "${COMPLETION-CANDIDATES}.")
    Truncation truncation;

    AnalysisOptions apply(AnalysisOptions o) {
        o = sentenceSource == null ? o : o.withSentenceSource(sentenceSource);
        o = sentenceMatch == null ? o : o.withSentenceMatch(sentenceMatch);
        o = boundaryMode == null ? o : o.withBoundaryMode(boundaryMode);
        return truncation == null ? o : o.withTruncation(truncation);
    }
}
