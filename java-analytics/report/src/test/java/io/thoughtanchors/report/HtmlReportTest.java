package io.thoughtanchors.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DATA_BLOCK =
            Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);
    private static final Pattern URL_ATTRIBUTE = Pattern.compile("\\b(?:src|href)\\s*=\\s*[\"']?([^\"'\\s>]*)");
    private static final Pattern SCRIPT_OPEN = Pattern.compile("<script\\b", Pattern.CASE_INSENSITIVE);
    /** Error capture, ECharts, data, the report's own script. */
    private static final int SCRIPTS = 4;

    @Test
    void inlinesEchartsAndReferencesNothingOutside() throws IOException {
        String page = HtmlReport.render(SampleModels.full(), List.of(FigureId.values()));
        String echarts;
        try (InputStream in = HtmlReport.class.getResourceAsStream(HtmlReport.ECHARTS_RESOURCE)) {
            echarts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(echarts.length() > 500_000, "the full ECharts build is on the classpath");
        assertTrue(page.contains(echarts), "ECharts is inlined whole");
        assertFalse(Pattern.compile("<script[^>]*\\bsrc=", Pattern.CASE_INSENSITIVE).matcher(page).find());
        assertFalse(Pattern.compile("<link\\b", Pattern.CASE_INSENSITIVE).matcher(page).find());
        Matcher url = URL_ATTRIBUTE.matcher(page.replace(echarts, ""));
        int links = 0;
        while (url.find()) {
            String target = url.group(1);
            assertTrue(target.startsWith("#") || target.matches("figures/\\w+\\.png"), "local link only: " + target);
            links++;
        }
        assertTrue(links >= FigureId.values().length, "navigation and PNG links are there");
        assertEquals(SCRIPTS, count(SCRIPT_OPEN, page));
    }

    @Test
    void dataBlockRoundTripsNumbersAndTextExactly() throws IOException {
        ReportModel model = SampleModels.full();
        String page = HtmlReport.render(model, List.of());
        String block = dataBlock(page);
        assertFalse(block.contains("<"), "no raw '<' in the inline data");
        JsonNode data = MAPPER.readTree(block);

        double cell = model.focus().headMatrix()[9][0];
        assertEquals(cell, data.at("/focus/headMatrix/9/0").asDouble(), Math.abs(cell) * 1e-5);
        double suppression = model.suppression().orElseThrow().normalised()[30][4];
        assertEquals(suppression, data.at("/suppression/normalised/30/4").asDouble(), Math.abs(suppression) * 1e-5);
        assertEquals(-0.3, data.at("/suppression/colourLow").asDouble());
        assertEquals(1.2, data.at("/suppression/colourHigh").asDouble());

        ReportModel.Sentence sentence = model.sentencesOf(model.settings().traceIds().get(1)).get(7);
        JsonNode trace = data.at("/traces/1");
        assertEquals(sentence.traceId(), trace.get("traceId").asText());
        assertEquals(sentence.text(), trace.at("/text/7").asText());
        assertTrue(sentence.text().contains("<b>") && sentence.text().contains("&"), "the sample text needs escaping");
        assertEquals(sentence.receiverScore(), trace.at("/receiverScore/7").asDouble(), sentence.receiverScore() * 1e-5);
        assertEquals(model.kurtosis().topHeads().get(0).toString(), data.at("/kurtosis/topHeads/0/label").asText());
        assertEquals(model.categories().orElseThrow().categories().size(), data.at("/categories/names").size());
        ReportModel.CategoryMean mean = model.categories().orElseThrow().means().get(2);
        assertEquals(mean.category(), data.at("/categories/means/2/category").asText());
        assertEquals(mean.ciLow(), data.at("/categories/means/2/ciLow").asDouble(), Math.abs(mean.ciLow()) * 1e-5);
        assertEquals(mean.ciHigh(), data.at("/categories/means/2/ciHigh").asDouble(), Math.abs(mean.ciHigh()) * 1e-5);
        assertEquals(mean.problems(), data.at("/categories/means/2/problems").asInt());
        assertTrue(data.at("/categories/means/2/fewProblems").asBoolean());
        assertEquals(0.95, data.at("/categories/interval/level").asDouble());
        assertEquals(2000, data.at("/categories/interval/resamples").asInt());
        assertEquals(0, data.get("notComputed").size());
        // One trace is one problem: no interval, its bounds null in the page's data.
        JsonNode minimal = MAPPER.readTree(dataBlock(HtmlReport.render(SampleModels.minimal(), List.of())));
        assertTrue(minimal.at("/categories/means/0/ciLow").isNull() && minimal.at("/categories/means/0/mean").isNumber());
    }

    @Test
    void nanAndInfinityBecomeNull() throws IOException {
        ReportModel model = withSentenceText(SampleModels.full(), 0, "infinite", Double.POSITIVE_INFINITY);
        String block = dataBlock(HtmlReport.render(model, List.of()));
        assertFalse(block.contains("NaN") || block.contains("Infinity"));
        JsonNode data = MAPPER.readTree(block);
        assertTrue(Double.isNaN(model.focus().headMatrix()[0][1]));
        assertTrue(data.at("/focus/headMatrix/0/1").isNull(), "upper triangle");
        assertTrue(data.at("/kurtosis/mean/0").isNull(), "excluded head");
        assertTrue(data.at("/traces/0/receiverScore/0").isNull(), "infinite score");
        JsonNode minimal = MAPPER.readTree(dataBlock(HtmlReport.render(SampleModels.minimal(), List.of())));
        assertTrue(minimal.at("/traces/0/counterfactualImportance/0").isNull());
        assertTrue(minimal.get("suppression").isNull() && minimal.get("blackBox").isNull()
                && minimal.get("reliability").isNull());
    }

    @Test
    void sentenceTextCannotCloseTheScript() throws IOException {
        String hostile = "</script><script>window.__pwned = 1</script><!-- </SCRIPT >";
        ReportModel model = withSentenceText(SampleModels.full(), 3, hostile, 0.02);
        String page = HtmlReport.render(model, List.of());
        assertEquals(SCRIPTS, count(SCRIPT_OPEN, page));
        assertEquals(SCRIPTS, count(Pattern.compile("</script", Pattern.CASE_INSENSITIVE), page));
        assertFalse(page.contains("<!--"));
        JsonNode data = MAPPER.readTree(dataBlock(page));
        assertEquals(hostile, data.at("/traces/0/text/3").asText());
    }

    @Test
    void settingsAreShownAsText() {
        ReportModel full = SampleModels.full();
        ReportModel.RunSettings s = full.settings();
        ReportModel.RunSettings odd = new ReportModel.RunSettings("Report <i>&</i>", s.modelId(), s.dtype(), false,
                s.profile(), List.of("top k: <3>"), Map.of("device", "cuda & <cpu>"), s.dataPath(), s.created(),
                s.traceIds());
        String page = HtmlReport.render(new ReportModel(odd, full.kurtosis(), full.reliability(), full.categories(),
                full.sentences(), full.focus(), full.blackBox(), full.suppression(), full.notComputed()), List.of());
        assertTrue(page.contains("<title>Report &lt;i&gt;&amp;&lt;/i&gt;</title>"));
        assertTrue(page.contains("top k: &lt;3&gt;"));
        assertTrue(page.contains("cuda &amp; &lt;cpu&gt;"));
        assertFalse(page.contains(HtmlReport.SYNTHETIC_BANNER), "real weights: no banner");

        String synthetic = HtmlReport.render(full, List.of());
        assertTrue(synthetic.contains("class=\"synthetic-banner\"") && synthetic.contains(HtmlReport.SYNTHETIC_BANNER));
        for (String trace : s.traceIds()) {
            assertTrue(synthetic.contains("<option value=\"" + trace + "\""), "trace selector offers " + trace);
        }
        assertTrue(synthetic.contains("<td>plan_generation</td><td>active_computation</td><td>3</td><td>2.500</td>"
                + "<td>2.000</td><td>0.04000</td><td>0.1200</td><td>1.440</td></tr>"), "paired tests table");
        assertTrue(synthetic.contains("<th>p</th><th>Holm p</th><th>d<sub>z</sub></th>"), "Holm p and d_z columns");
    }

    @Test
    void figuresListBecomesPngLinks() {
        String page = HtmlReport.render(SampleModels.full(),
                List.of(FigureId.HEAD_MATRIX, FigureId.SUPPRESSION_MATRIX));
        assertTrue(page.contains("href=\"figures/fig4a_receiver_head_matrix.png\""));
        assertTrue(page.contains("href=\"figures/fig6a_suppression_matrix.png\""));
        assertEquals(2, count(Pattern.compile("href=\"figures/"), page));
        assertEquals(0, count(Pattern.compile("href=\"figures/"), HtmlReport.render(SampleModels.full(), List.of())));
    }

    @Test
    void absentPartsAreNotedInsteadOfDrawn() {
        ReportModel minimal = SampleModels.minimal();
        String page = HtmlReport.render(minimal, List.of());
        int missing = 0;
        for (FigureId id : FigureId.values()) {
            String container = "<div class=\"chart\" id=\"" + id.fileStem + "\"";
            if (id.missingIn(minimal).isPresent()) {
                missing++;
                assertTrue(page.contains("not computed: " + HtmlReport.escape(id.missingIn(minimal).get())), id.name());
                assertFalse(page.contains(container), id.name());
            } else {
                assertTrue(page.contains(container), id.name());
            }
            assertTrue(page.contains(HtmlReport.escape(id.caption)), "caption of " + id);
        }
        assertEquals(4, missing, "reliability, suppression (2) and black box");
        String full = HtmlReport.render(SampleModels.full(), List.of());
        assertFalse(full.contains("<p class=\"not-computed\">"), "no note when every part is present");
    }

    @Test
    void withoutCategoriesFigure5IsNotedAndTheScatterSaysWhyItHasNoResidualLine() throws IOException {
        ReportModel unlabelled = SampleModels.unlabelled();
        String page = HtmlReport.render(unlabelled, List.of());
        assertTrue(page.contains("<p class=\"not-computed\">not computed: no trace has sentence categories</p>"));
        assertFalse(page.contains("<div class=\"chart\" id=\"fig5_receiver_score_by_category\""));
        assertTrue(page.contains("<div class=\"chart\" id=\"receiver_vs_counterfactual\""));
        assertTrue(page.contains("not computed: the residualised Spearman against the resampling matrix: no trace has"
                + " a step_importance.json"));
        JsonNode data = MAPPER.readTree(dataBlock(page));
        assertTrue(data.at("/blackBox/residual").isNull());
        assertEquals("no trace has a step_importance.json", data.at("/notComputed/RESIDUAL_CORRELATION").asText());
        assertTrue(data.at("/categories/names").isMissingNode() && data.at("/categories/order/0").asText()
                .equals("unlabelled"), "the order still colours the charts");
    }

    @Test
    void aPartIsAbsentExactlyWhenItHasAReason() {
        ReportModel m = SampleModels.minimal();
        assertThrows(IllegalArgumentException.class, () -> new ReportModel(m.settings(), m.kurtosis(), m.reliability(),
                m.categories(), m.sentences(), m.focus(), m.blackBox(), m.suppression(), Map.of()));
        ReportModel full = SampleModels.full();
        assertThrows(IllegalArgumentException.class, () -> new ReportModel(full.settings(), full.kurtosis(),
                full.reliability(), full.categories(), full.sentences(), full.focus(), full.blackBox(),
                full.suppression(), Map.of(ReportModel.Part.CATEGORIES, "a reason for a present part")));
    }

    /** Pages for the headless-browser check (tests/test_report_browser.py), written where `make test-java` builds. */
    @Test
    void writesSamplePagesForTheBrowserCheck() throws IOException {
        Path dir = Path.of("target", "sample-report");
        // Sentence 8 is the attended sentence of the cell the browser check hovers: its tooltip must show this as text.
        ReportModel full = withSentenceText(SampleModels.full(), 8,
                "Two lines: <b>x</b> &amp;\n  then </script><script>window.__pwned = 1</script>", 0.02);
        write(dir.resolve("full/index.html"), HtmlReport.render(full, List.of(FigureId.values())));
        write(dir.resolve("minimal/index.html"), HtmlReport.render(SampleModels.minimal(), List.of()));
        write(dir.resolve("unlabelled/index.html"), HtmlReport.render(SampleModels.unlabelled(), List.of()));
        // The size of a real run: 300 sentences, 48 layers × 40 heads.
        String large = HtmlReport.render(SampleModels.build(300, 48, 40, 3, true), List.of());
        write(dir.resolve("large/index.html"), large);
        assertTrue(large.length() < echartsSize() + 4_000_000, "300 × 300 matrices stay compact");
    }

    private static void write(Path file, String page) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, page);
    }

    private static long echartsSize() throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(HtmlReport.ECHARTS_RESOURCE)) {
            return in.readAllBytes().length;
        }
    }

    private static ReportModel withSentenceText(ReportModel m, int index, String text, double receiverScore) {
        List<ReportModel.Sentence> sentences = new ArrayList<>(m.sentences());
        ReportModel.Sentence s = sentences.get(index);
        sentences.set(index, new ReportModel.Sentence(s.traceId(), s.index(), s.category(), text, receiverScore,
                s.counterfactualImportance()));
        return new ReportModel(m.settings(), m.kurtosis(), m.reliability(), m.categories(), sentences, m.focus(),
                m.blackBox(), m.suppression(), m.notComputed(), m.controls());
    }

    private static String dataBlock(String page) {
        Matcher m = DATA_BLOCK.matcher(page);
        assertTrue(m.find(), "the page has a report-data block");
        return m.group(1);
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
