package io.thoughtanchors.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven recorded in the pipeline jar (pom.properties); class-folder runs have none. */
public final class PipelineVersion {

    public static final String UNKNOWN = "unknown (not run from a built jar)";

    private PipelineVersion() {
    }

    public static String get() {
        try (InputStream in = PipelineVersion.class.getResourceAsStream(
                "/META-INF/maven/io.thoughtanchors/pipeline/pom.properties")) {
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
