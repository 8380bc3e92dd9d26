package io.thoughtanchors.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model refuses shapes no figure could draw and keeps the caller's display order. */
class ReportModelTest {

    @Test
    void aReceiverHeadOutsideTheGridIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReportModel.HeadKurtosis(
                2, 2, new double[4], List.of(new ReportModel.HeadRef(2, 0))));
        assertEquals("receiver head L2H0 is outside 2×2", e.getMessage());
    }

    @Test
    void mismatchedShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReportModel.FocusTrace("t",
                new ReportModel.HeadRef(0, 3), new double[2][2], new double[2][2]));
        assertThrows(IllegalArgumentException.class, () -> new ReportModel.FocusTrace("t",
                new ReportModel.HeadRef(0, 0), new double[][]{{1, 2}, {3}}, new double[1][2]));
        assertThrows(IllegalArgumentException.class, () -> new ReportModel.Suppression("t", new double[2][2], 0, 1,
                new int[]{1}, new double[]{0.5}, new double[0]));
    }

    @Test
    void workerFactsAndPerTraceValuesKeepTheirOrder() {
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("z first", "1");
        worker.put("a second", "2");
        ReportModel.RunSettings s = new ReportModel.RunSettings("t", "m", "float32", false, "P", List.of(), worker,
                "d", "now", List.of());
        assertEquals(List.of("z first", "a second"), List.copyOf(s.worker().keySet()));

        Map<String, Double> values = new LinkedHashMap<>();
        values.put("trace-b", 1.0);
        values.put("trace-a", 2.0);
        ReportModel.CategoryScores c = new ReportModel.CategoryScores(List.of("x"), Map.of("x", values), List.of(),
                new ReportModel.CategoryInterval(0.95, 2000, 5), List.of());
        values.put("trace-c", 3.0);
        assertEquals(List.of("trace-b", "trace-a"), List.copyOf(c.perTrace().get("x").keySet()),
                "a copy, in the caller's order");
    }

    @Test
    void categoryOrderPutsTheAnalysedCategoriesFirstThenTheOthersAsTheyAppear() {
        ReportModel full = SampleModels.full();
        List<String> order = full.categoryOrder();
        assertEquals(full.categories().orElseThrow().categories(), order.subList(0,
                full.categories().orElseThrow().categories().size()));
        assertTrue(full.sentences().stream().allMatch(x -> order.contains(x.category())), "every sentence's category");
        assertEquals(order.size(), order.stream().distinct().count(), "each category once");
    }
}
