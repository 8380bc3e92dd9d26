package io.thoughtanchors.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven recorded in the jar (pom.properties); class-folder runs have none. */
final class VersionProvider implements CommandLine.IVersionProvider {

    static final String UNKNOWN = "unknown (not run from a built jar)";

    @Override
    public String[] getVersion() {
        return new String[] {"ta " + version()};
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(
                "/META-INF/maven/io.thoughtanchors/cli/pom.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
