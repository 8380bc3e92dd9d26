package io.thoughtanchors.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
        List<Trace> traces = TestSplit.traces(SHARED);
        Set<Integer> suppProblems = Set.of(1591, 2189, 2236, 2238, 330, 3448, 4682, 6998);
        for (Trace t : traces) {
            PublishedFolder source = (PublishedFolder) t.source();
            boolean missingImportance = t.id().equals("deepseek-r1-distill-llama-8b/incorrect/4164");
            assertEquals(!missingImportance, t.stepImportance().isPresent(), t.id());
            boolean hasSupp = source.model().equals("deepseek-r1-distill-qwen-14b")
                    && source.solution().type() == SolutionType.CORRECT && suppProblems.contains(source.problemId());
            assertEquals(hasSupp, t.stepImportanceSupp().isPresent(), t.id());
            assertEquals(source.baseSolution().fullCot(), t.text().modelText(), t.id());
        }
        List<Trace> sorted = traces.stream()
                .sorted(Comparator.comparing(t -> (PublishedFolder) t.source(), PublishedFolders.ORDER)).toList();
        assertEquals(sorted, traces);
    }
}
