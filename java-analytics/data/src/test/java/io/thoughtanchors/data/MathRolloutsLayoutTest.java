package io.thoughtanchors.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollouts dataset's layout, built from the shipped sample by {@link RolloutsTree}. */
class MathRolloutsLayoutTest {

    static final String MODEL = "deepseek-r1-distill-qwen-14b";
    static final Path WEB = TraceReaderSampleTest.SAMPLE.resolve(MODEL + "/correct_base_solution");

    @TempDir
    Path tmp;
    Path root;
    Path analysis;
    Path problem2238;

    @BeforeEach
    void buildTree() throws IOException {
        root = tmp.resolve("math-rollouts");
        problem2238 = RolloutsTree.add(root, WEB.resolve("problem_2238"), MODEL, "correct_base_solution");
        RolloutsTree.add(root, WEB.resolve("problem_3448"), MODEL, "correct_base_solution");
        analysis = root.resolve("analysis/step_attribution");
    }

    private TraceSet read(Path data, DataOptions options) {
        return TraceReader.read(data, options, TestSplit.SENTENCES);
    }

    @Test
    void aTreeReadsWithTheModelFromTheModelFolderAndTheSamplingRecorded() {
        TraceSet set = read(root, DataOptions.defaults().withStepAttribution(analysis));
        assertEquals(List.of(MODEL + "/temperature_0.6_top_p_0.95/correct/2238",
                MODEL + "/temperature_0.6_top_p_0.95/correct/3448"), set.traces().stream().map(Trace::id).toList());
        Trace t = set.traces().get(0);
        PublishedFolder source = (PublishedFolder) t.source();
        assertEquals(DataLayout.MATH_ROLLOUTS, t.layout());
        assertEquals(MODEL, source.model());
        SamplingFolder sampling = source.sampling().orElseThrow();
        assertEquals(RolloutsTree.SAMPLING, sampling.name());
        assertEquals(0.6, sampling.temperature(), 0);
        assertEquals(0.95, sampling.topP(), 0);
        assertEquals(analysis.resolve(MODEL + "/correct_base_solution/problem_2238"), source.stepAttribution()
                .orElseThrow());

        // The same chunks, labels, importance and matrices as the web layout's copy of the trace.
        Trace web = TestSplit.one(WEB.resolve("problem_2238"));
        assertEquals(web.chunks(), t.chunks());
        assertEquals(web.labels(), t.labels());
        assertEquals(web.importance(), t.importance());
        assertEquals(web.text(), t.text());
        assertEquals(web.summary(), t.summary());
        double[][] expected = web.stepImportance().orElseThrow();
        double[][] got = t.stepImportance().orElseThrow();
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], got[i]);
        }
        // The step-attribution tree inside the dataset root is not mistaken for traces.
        assertTrue(set.warnings().stream().anyMatch(w -> w.contains("step_attribution: left out")), set.warnings()
                .toString());
    }

    @Test
    void defectiveResampledSolutionsAreCountedAndWarnedAbout() {
        TraceSet set = read(problem2238, DataOptions.defaults());
        ResampleCounts counts = ((PublishedFolder) set.traces().get(0).source()).resamples().orElseThrow();
        assertEquals(new ResampleCounts(2, RolloutsTree.ROLLOUTS, RolloutsTree.WITH_ERROR, RolloutsTree.WITHOUT_ANSWER,
                0), counts);
        assertEquals(RolloutsTree.ROLLOUTS - RolloutsTree.WITH_ERROR - RolloutsTree.WITHOUT_ANSWER, counts.usable());
        assertTrue(set.warnings().contains(MODEL + "/" + RolloutsTree.SAMPLING + "/correct_base_solution/problem_2238: 4"
                + " of 11 resampled solutions skipped (2 with an 'error' field, 2 without an 'answer')"), set.warnings().toString());

        TraceSet uncounted = read(problem2238, DataOptions.defaults().withCountResamples(false));
        assertTrue(((PublishedFolder) uncounted.traces().get(0).source()).resamples().isEmpty());
        assertTrue(uncounted.warnings().stream().noneMatch(w -> w.contains("resampled")));
    }

    @Test
    void anUnreadableSolutionsFileIsAWarningNotAFailure() throws IOException {
        Files.writeString(problem2238.resolve("chunk_1/solutions.json"), "{\"not\": \"a list\"}");
        TraceSet set = read(problem2238, DataOptions.defaults());
        ResampleCounts counts = ((PublishedFolder) set.traces().get(0).source()).resamples().orElseThrow();
        assertEquals(1, counts.unreadableFiles());
        assertEquals(8, counts.solutions());
        assertTrue(set.warnings().stream().anyMatch(w -> w.contains("chunk_1/solutions.json: not a JSON array")));
    }

    @Test
    void withoutTheStepAttributionTreeThereIsNoMatrixButStillChunkImportance() {
        Trace t = read(problem2238, DataOptions.defaults()).traces().get(0);
        assertTrue(t.stepImportance().isEmpty());
        assertTrue(t.summary().isEmpty());
        assertTrue(t.importance().isPresent(), "black-box importance from chunks_labeled.json");
        assertEquals(0.71, t.importance(0).orElseThrow().accuracy(), 0);
    }

    @Test
    void aProblemFolderWithoutChunksJsonIsAnError() throws IOException {
        Files.delete(problem2238.resolve("chunks.json"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> read(root, DataOptions.defaults()));
        assertTrue(e.getMessage().startsWith(problem2238.resolve("chunks.json") + ": required file is missing"),
                e.getMessage());
        assertTrue(e.getMessage().contains("math-rollouts layout"), e.getMessage());
    }

    @Test
    void withoutChunksLabeledATraceHasNoCategoriesAndNoImportance() throws IOException {
        Files.delete(problem2238.resolve("chunks_labeled.json"));
        TraceSet set = read(problem2238, DataOptions.defaults());
        Trace t = set.traces().get(0);
        assertEquals(60, t.numChunks(), "the sentence list of chunks.json");
        assertTrue(t.labels().isEmpty() && t.importance().isEmpty());
        assertTrue(set.warnings().stream().anyMatch(w -> w.contains("no chunks_labeled.json")), set.warnings()
                .toString());
    }

    @Test
    void chunkListsOfDifferentLengthsAreAnError() throws IOException {
        Path chunks = problem2238.resolve("chunks.json");
        Files.writeString(chunks, Files.readString(chunks).replace("\"chunks\":[", "\"chunks\":[\"an extra chunk.\","));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> read(problem2238,
                DataOptions.defaults()));
        assertTrue(e.getMessage().contains("60 chunks, but chunks.json has 61"), e.getMessage());
    }

    @Test
    void forcedAnswerAndSanityFoldersAreReadOnlyWhenAskedFor() throws IOException {
        RolloutsTree.add(root, WEB.resolve("problem_2238"), MODEL, "correct_base_solution_forced_answer");
        RolloutsTree.add(root, WEB.resolve("problem_2236"), MODEL, "correct_base_solution_sanity");

        TraceSet base = read(root.resolve(MODEL), DataOptions.defaults());
        assertEquals(2, base.traces().size());
        assertTrue(base.warnings().stream().anyMatch(w -> w.contains("left out 1 forced_answer folder(s) and 1 sanity"
                + " folder(s)") && w.contains("--include-folders forced_answer,sanity")), base.warnings().toString());

        TraceSet all = read(root.resolve(MODEL), DataOptions.defaults().withRuns(Set.of(SolutionFolder.Run.FORCED_ANSWER,
                SolutionFolder.Run.SANITY)));
        assertEquals(List.of(MODEL + "/temperature_0.6_top_p_0.95/correct/2238",
                MODEL + "/temperature_0.6_top_p_0.95/correct/3448",
                MODEL + "/temperature_0.6_top_p_0.95/correct_forced_answer/2238",
                MODEL + "/temperature_0.6_top_p_0.95/correct_sanity/2236"), all.traces().stream().map(Trace::id).toList());
        assertEquals(SolutionFolder.Run.FORCED_ANSWER, ((PublishedFolder) all.traces().get(2).source()).solution().run());
    }

    @Test
    void onlyLeftOutFoldersIsAnErrorThatSaysHowToReadThem() throws IOException {
        Path other = tmp.resolve("other");
        RolloutsTree.add(other, WEB.resolve("problem_2238"), MODEL, "correct_base_solution_forced_answer");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> read(other, DataOptions.defaults()));
        assertTrue(e.getMessage().contains("no trace folder") && e.getMessage().contains("--include-folders"
                + " forced_answer"), e.getMessage());
    }

    @Test
    void aMissingStepAttributionFolderIsAWarning() throws IOException {
        Path partial = tmp.resolve("analysis-partial");
        Files.createDirectories(partial.resolve(MODEL));
        TraceSet set = read(problem2238, DataOptions.defaults().withStepAttribution(partial));
        assertTrue(set.traces().get(0).stepImportance().isEmpty());
        assertTrue(set.warnings().stream().anyMatch(w -> w.contains("the step-attribution tree has no")),
                set.warnings().toString());
        assertFalse(set.warnings().isEmpty());
    }
}
