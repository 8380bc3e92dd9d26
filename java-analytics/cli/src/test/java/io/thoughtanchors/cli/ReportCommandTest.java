package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.attention.VerticalScores;
import io.thoughtanchors.analysis.suppression.RowNormalisation;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.SuppressionResults;
import io.thoughtanchors.report.FigureId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ta report} end to end on the committed sample, with an in-process fake worker. */
class ReportCommandTest {

    static final Path SAMPLE = ReceiversCommandTest.SAMPLE;
    static final String FOCUS = SuppressionMatrixCommandTest.TRACE_ID;
    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    @Test
    void drawsEveryFigureAndThePageWithTheTraceThatHasASuppressionMatrixInFocus() throws IOException {
        Path suppression = suppressionRun();
        CliRun run = report(tmp.resolve("report"), "--suppression", suppression.toString());

        assertEquals(0, run.status(), run.transcript());
        Path out = tmp.resolve("report");
        for (FigureId id : FigureId.values()) {
            Path png = out.resolve("figures/" + id.fileStem + ".png");
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " is a PNG");
            assertTrue(image.getWidth() > 400 && image.getHeight() > 300, png + " size");
        }
        String page = Files.readString(out.resolve("index.html"));
        for (FigureId id : FigureId.values()) {
            assertTrue(page.contains("id=\"" + id.fileStem + "\""), "the page has a chart " + id.fileStem);
        }
        assertFalse(page.contains("<script src="), "the page loads nothing");

        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals(FOCUS, report.get("focus_trace").asText(), "the first trace with a matrix, not the first trace");
        List<List<String>> top = ReceiversCommandTest.csv(out.resolve("top_heads.csv"));
        assertEquals("L" + top.get(1).get(1) + "H" + top.get(1).get(2), report.get("receiver_head").asText());
        assertEquals(FigureId.values().length, report.get("figures").size());
        assertEquals(0, report.get("skipped").size());

        double[][] e = SuppressionResults.parse(Files.readAllLines(suppression.resolve(FOCUS)
                .resolve(SuppressionResults.MATRIX_FILE)), suppression);
        RowNormalisation.ColourRange expected = RowNormalisation.colourRange(RowNormalisation.normalise(e), 0.5, 0.998,
                11);
        assertEquals(expected.vmin(), report.get("suppression_colour_range").get(0).asDouble(), 1e-12);
        assertEquals(expected.vmax(), report.get("suppression_colour_range").get(1).asDouble(), 1e-12);
        assertTrue(Files.isRegularFile(out.resolve("sentence_scores.csv")), "the receiver results are kept beside");
        assertEquals("report", Json.MAPPER.readTree(out.resolve("run.json").toFile()).get("command").asText());
        assertTrue(run.out().contains("index.html"), run.out());
    }

    @Test
    void thePageDrawsTheTopHeadsPooledMatrixAndItsLayersVerticalScores() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = CliRun.of(target -> fake, "report", "--data", SAMPLE.toString(), "--worker", "fake:1",
                "--out", tmp.resolve("report").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress",
                "--trace", "2238");
        assertEquals(0, run.status(), run.transcript());

        JsonNode data = pageData(tmp.resolve("report/index.html"));
        JsonNode focus = data.get("focus");
        assertEquals(FOCUS, focus.get("traceId").asText());
        int layer = focus.get("head").get("layer").asInt();
        int head = focus.get("head").get("head").asInt();
        List<List<String>> top = ReceiversCommandTest.csv(tmp.resolve("report/top_heads.csv"));
        assertEquals(List.of(top.get(1).get(1), top.get(1).get(2)), List.of(Integer.toString(layer),
                Integer.toString(head)), "the top-ranked head");
        int n = focus.get("headMatrix").size();
        // the fake's pooled matrix of the focus trace (the second Attention call), sentences only (RECOMMENDED)
        int textHash = fake.attentionTexts.get(1).hashCode();
        for (int h = 0; h < HEADS; h++) {
            float[] pooled = FakeModelWorker.causalMatrix(textHash, layer, h, n);
            double[][] matrix = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    matrix[i][j] = j > i ? Double.NaN : pooled[i * n + j];
                    if (h == head) {
                        assertCell(matrix[i][j], focus.get("headMatrix").get(i).get(j), "head matrix " + i + "," + j);
                    }
                }
            }
            double[] expected = VerticalScores.of(matrix, Profile.RECOMMENDED.options().receiverScores());
            for (int j = 0; j < n; j++) {
                assertCell(expected[j], focus.get("layerScores").get(h).get(j), "head " + h + " sentence " + j);
            }
        }
    }

    @Test
    void withPromptAndOutputRegionsTheHeadMatrixIsTheSentenceBlock() throws IOException {
        FakeModelWorker fake = new FakeModelWorker(LAYERS, HEADS);
        CliRun run = CliRun.of(target -> fake, "report", "--data", SAMPLE.toString(), "--worker", "fake:1",
                "--out", tmp.resolve("report").toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress",
                "--trace", "2238", "--profile", "REF_PAPER");
        assertEquals(0, run.status(), run.transcript());

        JsonNode focus = pageData(tmp.resolve("report/index.html")).get("focus");
        long sentences = ReceiversCommandTest.csv(tmp.resolve("report/sentence_scores.csv")).stream()
                .filter(r -> r.get(0).equals(FOCUS)).count();
        int n = focus.get("headMatrix").size();
        assertEquals(sentences, n, "prompt and output regions are cut off");
        int m = n + 2;
        float[] pooled = FakeModelWorker.causalMatrix(fake.attentionTexts.get(1).hashCode(),
                focus.get("head").get("layer").asInt(), focus.get("head").get("head").asInt(), m);
        for (int i = 0; i < n; i++) {
            assertCell(pooled[(i + 1) * m + 1], focus.get("headMatrix").get(i).get(0), "sentence " + i + " → 0");
        }
    }

    @Test
    void withoutSuppressionFigure6IsSkippedWithAWarningAndTheRestDrawn() throws IOException {
        CliRun run = report(tmp.resolve("report"), "--trace", "3448");

        assertEquals(0, run.status(), run.transcript());
        JsonNode report = Json.MAPPER.readTree(tmp.resolve("report/report.json").toFile());
        assertEquals("deepseek-r1-distill-qwen-14b/correct/3448", report.get("focus_trace").asText());
        assertEquals(List.of(FigureId.SUPPRESSION_MATRIX.fileStem, FigureId.SUPPRESSION_BY_DISTANCE.fileStem),
                fieldNames(report.get("skipped")));
        assertFalse(Files.exists(tmp.resolve("report/figures/" + FigureId.SUPPRESSION_MATRIX.fileStem + ".png")));
        assertTrue(run.err().contains("figure fig6a_suppression_matrix skipped"), run.err());
    }

    @Test
    void anExistingFolderIsRefusedUnlessForced() throws IOException {
        Path out = tmp.resolve("report");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");

        CliRun refused = report(out);
        assertEquals(ExitStatus.OUTPUT.code, refused.status(), refused.transcript());
        assertTrue(refused.err().contains("already exists; pass --force"), refused.err());
        assertFalse(Files.exists(out.resolve("index.html")));

        CliRun forced = report(out, "--force");
        assertEquals(0, forced.status(), forced.transcript());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "--force deletes nothing else");
    }

    @Test
    void anUnwritableFolderIsExitStatus5() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun run = report(file.resolve("report"));

        assertEquals(ExitStatus.OUTPUT.code, run.status(), run.transcript());
        assertTrue(run.err().contains("cannot create output folder"), run.err());
    }

    @Test
    void missingResultsForARequestedFigureAreAClearErrorBeforeAnythingIsWritten() throws IOException {
        Path suppression = suppressionRun();
        CliRun otherTrace = report(tmp.resolve("a"), "--suppression", suppression.toString(), "--trace", "2236");
        assertEquals(ExitStatus.BAD_INPUT.code, otherTrace.status(), otherTrace.transcript());
        assertTrue(otherTrace.err().contains("results missing for Figure 6"), otherTrace.err());
        assertTrue(otherTrace.err().contains("2236"), otherTrace.err());
        assertFalse(Files.exists(tmp.resolve("a")), "bad input leaves no folder behind");

        CliRun noSuppression = report(tmp.resolve("b"), "--figures", "fig6a_suppression_matrix");
        assertEquals(ExitStatus.USAGE.code, noSuppression.status(), noSuppression.transcript());
        assertTrue(noSuppression.err().contains("needs --suppression"), noSuppression.err());

        CliRun oneTrace = report(SAMPLE.resolve("correct_base_solution/problem_2238"), tmp.resolve("c"),
                "--figures", "fig4e_split_half_reliability");
        assertEquals(ExitStatus.BAD_INPUT.code, oneTrace.status(), oneTrace.transcript());
        assertTrue(oneTrace.err().contains("needs at least two traces"), oneTrace.err());

        CliRun unknown = report(tmp.resolve("d"), "--figures", "fig9");
        assertEquals(ExitStatus.USAGE.code, unknown.status(), unknown.transcript());
        assertTrue(unknown.err().contains("unknown figure 'fig9'"), unknown.err());

        CliRun noTrace = report(tmp.resolve("e"), "--trace", "9999");
        assertEquals(ExitStatus.USAGE.code, noTrace.status(), noTrace.transcript());
        assertTrue(noTrace.err().contains("matches no traces"), noTrace.err());
    }

    @Test
    void aSuppressionRunOfAnotherModelIsRefusedAndTheReceiverResultsAreKept() throws IOException {
        Path suppression = suppressionRun();
        Path runJson = suppression.resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson).replace(FakeModelWorker.MODEL_ID, "another-model"));

        CliRun run = report(tmp.resolve("report"), "--suppression", suppression.toString());
        assertEquals(ExitStatus.BAD_INPUT.code, run.status(), run.transcript());
        assertTrue(run.err().contains("computed with model another-model"), run.err());
        assertTrue(Files.isRegularFile(tmp.resolve("report/sentence_scores.csv")), "partial results are kept");
    }

    @Test
    void aFigureAskedForByNameIsTheOnlyOneDrawn() throws IOException {
        CliRun run = report(tmp.resolve("report"), "--figures", "fig4c_kurtosis_by_layer,sentence_receiver_scores");

        assertEquals(0, run.status(), run.transcript());
        try (var files = Files.list(tmp.resolve("report/figures"))) {
            assertEquals(List.of("fig4c_kurtosis_by_layer.png", "sentence_receiver_scores.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private Path suppressionRun() {
        Path out = tmp.resolve("suppression");
        CliRun run = CliRun.of(target -> new FakeModelWorker(LAYERS, HEADS), "suppression-matrix", "--data",
                SuppressionMatrixCommandTest.TRACE.toString(), "--worker", "fake:1", "--out", out.toString(),
                "--cache", tmp.resolve("cache").toString(), "--no-progress");
        assertEquals(0, run.status(), run.transcript());
        return out;
    }

    private CliRun report(Path out, String... extra) {
        return report(SAMPLE, out, extra);
    }

    private CliRun report(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("report", "--data", data.toString(), "--worker", "fake:1",
                "--out", out.toString(), "--cache", tmp.resolve("cache").toString(), "--no-progress"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(target -> new FakeModelWorker(LAYERS, HEADS), args.toArray(String[]::new));
    }

    /** The page's embedded data (script#report-data). */
    static JsonNode pageData(Path page) throws IOException {
        String html = Files.readString(page);
        String open = "<script type=\"application/json\" id=\"report-data\">";
        int start = html.indexOf(open);
        assertTrue(start >= 0, "the page embeds its data");
        int end = html.indexOf("</script>", start);
        return Json.MAPPER.readTree(html.substring(start + open.length(), end));
    }

    /** The page keeps six significant digits and writes NaN as null. */
    private static void assertCell(double expected, JsonNode actual, String what) {
        if (Double.isNaN(expected)) {
            assertTrue(actual.isNull(), what + ": NaN is null, got " + actual);
        } else {
            assertEquals(expected, actual.asDouble(), Math.abs(expected) * 1e-5 + 1e-12, what);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
