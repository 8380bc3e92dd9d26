package io.thoughtanchors.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Missing and malformed files must fail with a message that names the file. */
class TraceReaderErrorTest {

    @TempDir
    Path tmp;
    Path trace;

    @BeforeEach
    void copySampleTrace() throws IOException {
        Path src = TraceReaderSampleTest.SAMPLE.resolve("deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189");
        trace = tmp.resolve("model-x/incorrect_base_solution/problem_2189");
        Files.createDirectories(trace);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, trace.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void copiedTraceReads() {
        Trace t = TraceReader.readTree(tmp).get(0);
        assertEquals("model-x/incorrect/2189", t.id());
        assertEquals(24, t.numLabeled());
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        Files.writeString(trace.resolve("chunks_labeled.json"), "[{\"chunk\": \"x\", ");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTree(tmp));
        assertTrue(e.getMessage().contains(trace.resolve("chunks_labeled.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void missingRequiredFileNamesTheFile() throws IOException {
        Files.delete(trace.resolve("summary.json"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTrace(trace));
        assertTrue(e.getMessage().contains(trace.resolve("summary.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void wrongFieldTypeNamesFileAndField() throws IOException {
        Files.writeString(trace.resolve("base_solution.json"),
                "{\"prompt\":\"p\",\"solution\":\"s\",\"full_cot\":\"ps\",\"answer\":\"1\",\"is_correct\":\"yes\"}");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTrace(trace));
        assertTrue(e.getMessage().contains("base_solution.json"), e.getMessage());
        assertTrue(e.getMessage().contains("is_correct"), e.getMessage());
    }

    @Test
    void stepImportanceIsOptional() throws IOException {
        Files.delete(trace.resolve("step_importance.json"));
        Trace t = TraceReader.readTrace(trace);
        assertFalse(t.stepImportance().isPresent());
        assertFalse(t.stepImportanceSupp().isPresent());
    }

    @Test
    void stepImportanceWithWrongSizeIsRejected() throws IOException {
        Files.writeString(trace.resolve("step_importance.json"),
                "[{\"source_chunk_idx\":0,\"target_impacts\":[]}]");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTrace(trace));
        assertTrue(e.getMessage().contains("step_importance.json"), e.getMessage());
        assertTrue(e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void folderWithoutTracesIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing/here"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTree(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no trace folder"), e.getMessage());
    }

    @Test
    void unexpectedFolderInSolutionTypeFolderIsAnError() throws IOException {
        Path stray = Files.createDirectories(trace.getParent().resolve("notes"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTree(tmp));
        assertTrue(e.getMessage().contains(stray.toString()), e.getMessage());
    }

    @Test
    void traceFolderOutsideSolutionTypeFolderIsAnError() throws IOException {
        Path loose = Files.createDirectories(tmp.resolve("problem_7"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.readTrace(loose));
        assertTrue(e.getMessage().contains("problem_7"), e.getMessage());
    }
}
