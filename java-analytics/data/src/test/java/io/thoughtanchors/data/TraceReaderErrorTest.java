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

/** Web layout: missing and malformed files fail with a message that names the file; optional files are optional. */
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
        Trace t = TestSplit.one(tmp);
        assertEquals("model-x/incorrect/2189", t.id());
        assertEquals(24, t.numChunks());
    }

    @Test
    void aByteOrderMarkIsAccepted() throws IOException {
        Path file = trace.resolve("problem.json");
        byte[] json = Files.readAllBytes(file);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        Files.write(file, withBom);
        assertEquals("model-x/incorrect/2189", TestSplit.one(trace).id());
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        Files.writeString(trace.resolve("chunks_labeled.json"), "[{\"chunk\": \"x\", ");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(tmp));
        assertTrue(e.getMessage().contains(trace.resolve("chunks_labeled.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void notUtf8NamesTheOffset() throws IOException {
        Files.write(trace.resolve("problem.json"), new byte[] {'{', '"', 'p', (byte) 0xff, '"', '}'});
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(trace));
        assertTrue(e.getMessage().contains("problem.json: not UTF-8 text: byte 0xff at offset 3"), e.getMessage());
    }

    @Test
    void missingRequiredFileNamesTheFile() throws IOException {
        Files.delete(trace.resolve("chunks_labeled.json"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(trace));
        assertTrue(e.getMessage().contains(trace.resolve("chunks_labeled.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void wrongFieldTypeNamesFileAndField() throws IOException {
        Files.writeString(trace.resolve("base_solution.json"),
                "{\"prompt\":\"p\",\"solution\":\"s\",\"full_cot\":\"ps\",\"answer\":\"1\",\"is_correct\":\"yes\"}");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(trace));
        assertTrue(e.getMessage().contains("base_solution.json"), e.getMessage());
        assertTrue(e.getMessage().contains("is_correct"), e.getMessage());
    }

    @Test
    void fullCotMustBePromptPlusSolution() throws IOException {
        Files.writeString(trace.resolve("base_solution.json"),
                "{\"prompt\":\"p\",\"solution\":\"s\",\"full_cot\":\"p s\",\"answer\":\"1\",\"is_correct\":true}");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(trace));
        assertTrue(e.getMessage().contains("full_cot is not prompt + solution"), e.getMessage());
    }

    @Test
    void stepImportanceAndSummaryAreOptional() throws IOException {
        Files.delete(trace.resolve("step_importance.json"));
        Files.delete(trace.resolve("summary.json"));
        Trace t = TestSplit.one(trace);
        assertFalse(t.stepImportance().isPresent());
        assertFalse(t.summary().isPresent());
        assertFalse(t.stepImportanceSupp().isPresent());
        assertTrue(t.importance().isPresent(), "chunks_labeled.json still gives per-sentence importance");
    }

    @Test
    void chunksLabeledWithoutImportanceFieldsGiveNoImportance() throws IOException {
        Files.writeString(trace.resolve("chunks_labeled.json"), Files.readString(trace.resolve("chunks_labeled.json"))
                .replaceAll("\"(accuracy|[a-z_]+_importance_[a-z]+|different_trajectories_fraction|overdeterminedness)\""
                        + "\\s*:\\s*-?[0-9.eE+-]+\\s*,?", ""));
        Trace t = TestSplit.one(trace);
        assertTrue(t.labels().isPresent());
        assertTrue(t.importance().isEmpty(), "absent, not NaN pretending to be importance");
    }

    @Test
    void stepImportanceWithWrongSizeIsRejected() throws IOException {
        Files.writeString(trace.resolve("step_importance.json"),
                "[{\"source_chunk_idx\":0,\"target_impacts\":[]}]");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(trace));
        assertTrue(e.getMessage().contains("step_importance.json"), e.getMessage());
        assertTrue(e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void folderWithoutTracesIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("nothing/here"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no trace folder"), e.getMessage());
    }

    @Test
    void missingPathIsAnError() {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(tmp.resolve("nope")));
        assertTrue(e.getMessage().endsWith("nope: no such file or folder"), e.getMessage());
    }

    @Test
    void unexpectedFolderInSolutionFolderIsAnError() throws IOException {
        Path stray = Files.createDirectories(trace.getParent().resolve("notes"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(tmp));
        assertTrue(e.getMessage().contains(stray.toString()), e.getMessage());
    }

    @Test
    void traceFolderOutsideSolutionFolderIsAnError() throws IOException {
        Path loose = Files.createDirectories(tmp.resolve("problem_7"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TestSplit.read(loose));
        assertTrue(e.getMessage().contains("problem_7"), e.getMessage());
    }

    @Test
    void aPromptFileDoesNotGoWithAFolder() throws IOException {
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "Solve it.");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(tmp,
                DataOptions.defaults().withPromptFile(prompt), TestSplit.SENTENCES));
        assertTrue(e.getMessage().contains("a prompt file goes with a .txt chain of thought"), e.getMessage());
    }
}
