package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.Profile;
import picocli.CommandLine.Option;

/** --profile: the option set a command starts from (docs/algorithms.md §14.1); single options override it. */
final class ProfileOption {

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "RECOMMENDED",
            description = "Option set: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); the single options"
                    + " override it.")
    Profile profile;
}
