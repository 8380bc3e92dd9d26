package io.thoughtanchors.analysis;

import io.thoughtanchors.analysis.text.SentenceSplitter;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceReader;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locations of the committed sample (always present) and of the shared development data (optional). */
public final class TestData {
    public static final Path SAMPLE = Path.of("../../data/thought-anchors-sample");
    public static final Path SHARED = Path.of("/work/shared/data/thought-anchors");

    private TestData() {
    }

    public static List<Trace> sample() {
        return read(SAMPLE);
    }

    /** The shared traces; skips the calling test (the only allowed skip) when that folder is absent. */
    public static List<Trace> shared() {
        Assumptions.assumeTrue(Files.isDirectory(SHARED), "shared development data is absent: " + SHARED);
        return read(SHARED);
    }

    /** Any --data path, split by the project's splitter. */
    public static List<Trace> read(Path data) {
        return TraceReader.read(data, SentenceSplitter::sentences).traces();
    }
}
