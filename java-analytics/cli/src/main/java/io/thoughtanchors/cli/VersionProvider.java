package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineVersion;
import picocli.CommandLine;

/** {@code ta --version}: the version Maven recorded in the pipeline jar. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"ta " + PipelineVersion.get()};
    }
}

