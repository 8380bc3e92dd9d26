package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboComparison.Cell;
import io.thoughtanchors.analysis.suppression.PlaceboSpans.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cell against its placebo distribution (docs/algorithms.md §12.9), by hand. */
class PlaceboComparisonTest {
    static final double NAN = Double.NaN;

    @Test
    void threeSentencesByHand() {
        int[] start = {3, 6, 9};
        int[] end = {6, 9, 12};
        double[][] real = {
                {NAN, NAN, NAN},
                {-4, NAN, NAN},
                {-2, -10, NAN}};
        // sentence 1 has two placebos, sentence 0 none (the first sentence), sentence 2 one (no receiver after it)
        List<Span> spans = List.of(new Span(1, 0, 1, 5, 8), new Span(1, 1, 2, 4, 7), new Span(2, 0, 1, 8, 11));
        List<double[]> placebo = List.of(new double[]{NAN, NAN, -12}, new double[]{NAN, NAN, -9},
                new double[]{NAN, NAN, NAN});
        List<Cell> cells = PlaceboComparison.cells(real, placebo, spans, start, end, true);
        assertEquals(1, cells.size(), "only (2, 1) has a real value and a placebo below the diagonal");
        Cell c = cells.get(0);
        assertEquals(2, c.receiving());
        assertEquals(1, c.suppressed());
        assertEquals(-10.5, c.placeboMean(), 1e-12);
        assertEquals(Math.sqrt(4.5), c.placeboSd(), 1e-12, "ddof 1 of {-12, -9}");
        assertEquals(0.5, c.difference(), 1e-12);
        assertEquals(Math.exp(0.5), c.ratio(), 1e-12, "a difference of ln values is a log ratio");
        assertEquals(1, c.below());
        assertEquals(2, c.draws());
        assertTrue(Double.isNaN(c.pEmpirical()), "two placebos give no p-value");
        assertTrue(c.above());

        Cell linear = PlaceboComparison.cells(real, placebo, spans, start, end, false).get(0);
        assertEquals(-10 / -10.5, linear.ratio(), 1e-12, "without the log the ratio is real / mean");
    }

    @Test
    void empiricalPWithNineteenPlacebos() {
        double[] values = new double[19];
        for (int r = 0; r < 19; r++) {
            values[r] = r; // 0 .. 18
        }
        assertEquals(1.0 / 20, PlaceboComparison.cell(1, 0, 100, values, true).pEmpirical(), 1e-15);
        assertEquals(19, PlaceboComparison.cell(1, 0, 100, values, true).below());
        // real 15.0: placebo values 15, 16, 17, 18 are >= it → (1 + 4) / 20; 15 below it
        Cell tie = PlaceboComparison.cell(1, 0, 15, values, true);
        assertEquals(5.0 / 20, tie.pEmpirical(), 1e-15);
        assertEquals(15, tie.below());
        assertEquals(1.0, PlaceboComparison.cell(1, 0, -1, values, true).pEmpirical(), 1e-15);
    }

    @Test
    void aPlaceboOverlappingItsReceiverIsLeftOut() {
        int[] start = {3, 6, 8}; // unordered ranges would let a placebo reach a receiver
        int[] end = {7, 9, 12};
        double[][] real = {{NAN, NAN, NAN}, {1, NAN, NAN}, {2, 3, NAN}};
        List<Span> spans = List.of(new Span(0, 0, 3, 4, 8));
        List<double[]> placebo = List.of(new double[]{NAN, 0.5, 0.25});
        List<Cell> cells = PlaceboComparison.cells(real, placebo, spans, start, end, false);
        assertEquals(List.of(2), cells.stream().map(Cell::receiving).toList(), "span [4,8) overlaps sentence 1 [6,9), not sentence 2 [8,12)");
    }

    @Test
    void summaryByHand() {
        List<Cell> cells = new ArrayList<>();
        cells.add(PlaceboComparison.cell(1, 0, 1.0, new double[]{0.0}, true));   // diff 1
        cells.add(PlaceboComparison.cell(2, 0, -1.0, new double[]{0.0}, true));  // diff -1
        cells.add(PlaceboComparison.cell(2, 1, 3.0, new double[]{1.0}, true));   // diff 2
        PlaceboComparison.Summary s = PlaceboComparison.summary(cells);
        assertEquals(3, s.cells());
        assertEquals(2.0 / 3, s.shareAbove(), 1e-15);
        assertEquals(1.0, s.medianDifference(), 1e-15);
        assertEquals(Math.exp(1.0), s.medianRatio(), 1e-12);
        assertTrue(Double.isNaN(PlaceboComparison.summary(List.of()).shareAbove()));
    }
}
