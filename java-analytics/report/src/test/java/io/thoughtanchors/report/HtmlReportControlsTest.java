package io.thoughtanchors.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controls section of the page (docs/algorithms.md §6.4–6.5): its tables, its note and its chart data. */
class HtmlReportControlsTest {
    private static final Pattern DATA_BLOCK = Pattern.compile(
            "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);
    private static final Pattern HEAD_ROW = Pattern.compile(
            "<tr><td>(\\d+)</td><td>(L\\d+H\\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>"
                    + "<td>([^<]*)</td><td>([^<]*)</td></tr>");

    private static JsonNode data(String page) throws Exception {
        Matcher m = DATA_BLOCK.matcher(page);
        assertTrue(m.find());
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void everyReceiverHeadIsListedWithItsNullAndRecencyInRankOrder() throws Exception {
        ReportModel model = SampleModels.full();
        ReportModel.Controls c = model.controls().orElseThrow();
        String page = HtmlReport.render(model, List.of());
        assertTrue(page.contains("id=\"figure-head_controls\"") && page.contains("href=\"#figure-head_controls\""));
        assertFalse(page.contains("not computed: the re-segmentation null"));
        Matcher row = HEAD_ROW.matcher(page);
        for (int i = 0; i < c.topHeads().size(); i++) {
            ReportModel.HeadControl h = c.topHeads().get(i);
            assertTrue(row.find(), "row " + i);
            assertEquals(String.valueOf(i + 1), row.group(1));
            assertEquals(h.head().toString(), row.group(2));
            assertEquals(Double.parseDouble(String.format(java.util.Locale.ROOT, "%.4g", h.z())),
                    Double.parseDouble(row.group(6)));
            assertEquals(1.0 / 201, Double.parseDouble(row.group(7)), 1e-6);
        }
        JsonNode controls = data(page).get("controls");
        assertTrue(controls.get("nullComputed").asBoolean());
        assertEquals(c.topHeads().get(0).head().toString(), controls.at("/heads/0/label").asText());
        assertEquals(c.topHeads().get(0).z(), controls.at("/heads/0/z").asDouble(), 1e-5 * Math.abs(c.topHeads().get(0).z()));
        assertTrue(controls.at("/sweep/2/overlap").isNull(), "an undefined overlap is null, not NaN");
        assertTrue(page.contains("4 (this run)"));
        assertTrue(page.contains("no head has a finite mean kurtosis at this proximity"));
    }

    @Test
    void withoutTheNullThePageSaysWhyAndAModelWithoutControlsHasNoSection() throws Exception {
        ReportModel minimal = SampleModels.minimal();
        String page = HtmlReport.render(minimal, List.of());
        assertTrue(page.contains("not computed: the re-segmentation null: off (--segmentation-null PERMS turns it on)"));
        assertFalse(data(page).get("controls").get("nullComputed").asBoolean());
        assertTrue(HEAD_ROW.matcher(page).find());
        ReportModel none = new ReportModel(minimal.settings(), minimal.kurtosis(), minimal.reliability(),
                minimal.categories(), minimal.sentences(), minimal.focus(), minimal.blackBox(), minimal.suppression(),
                minimal.notComputed());
        String bare = HtmlReport.render(none, List.of());
        assertFalse(bare.contains("figure-head_controls"));
        assertTrue(data(bare).get("controls").isNull());
    }
}
