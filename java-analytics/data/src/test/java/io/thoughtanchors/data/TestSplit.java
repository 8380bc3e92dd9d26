package io.thoughtanchors.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** A stand-in for the project's splitter (which lives in the analysis module): sentence ends followed by space. */
final class TestSplit {
    static final SentenceSplit SENTENCES = cot -> Arrays.stream(cot.strip().split("(?<=[.!?])\\s+"))
            .map(String::strip).filter(s -> !s.isEmpty()).toList();

    private TestSplit() {
    }

    static TraceSet read(Path data) {
        return TraceReader.read(data, SENTENCES);
    }

    static List<Trace> traces(Path data) {
        return read(data).traces();
    }

    static Trace one(Path data) {
        List<Trace> traces = traces(data);
        if (traces.size() != 1) {
            throw new AssertionError(data + " holds " + traces.size() + " traces");
        }
        return traces.get(0);
    }
}
