package io.thoughtanchors.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Development data: the full published trace set under /work/shared (skipped only when that folder is absent). */
@Tag("devdata")
class TraceReaderDevDataTest {

    static final Path SHARED = Path.of("/work/shared/data/thought-anchors");

    @Test
    void readsAllSharedTracesWithKnownOptionalFiles() {
        Assumptions.assumeTrue(Files.isDirectory(SHARED), "shared development data is absent: " + SHARED);
        List<Trace> traces = TraceReader.readTree(SHARED);
        Set<Integer> suppProblems = Set.of(1591, 2189, 2236, 2238, 330, 3448, 4682, 6998);
        for (Trace t : traces) {
            boolean missingImportance = t.id().equals("deepseek-r1-distill-llama-8b/incorrect/4164");
            assertEquals(!missingImportance, t.stepImportance().isPresent(), t.id());
            boolean hasSupp = t.modelDir().equals("deepseek-r1-distill-qwen-14b")
                    && t.solutionType() == SolutionType.CORRECT && suppProblems.contains(t.problemId());
            assertEquals(hasSupp, t.stepImportanceSupp().isPresent(), t.id());
            assertEquals(t.baseSolution().prompt() + t.baseSolution().solution(), t.baseSolution().fullCot(), t.id());
        }
        List<Trace> sorted = traces.stream().sorted(TraceReader.ORDER).toList();
        assertEquals(sorted, traces);
    }
}
