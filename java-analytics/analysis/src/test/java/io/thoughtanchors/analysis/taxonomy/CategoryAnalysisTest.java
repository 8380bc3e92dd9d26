package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.BootstrapOptions;
import io.thoughtanchors.analysis.stats.ClusterBootstrap;
import io.thoughtanchors.analysis.stats.TTestResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CategoryAnalysisTest {
    static final String A = "plan_generation";
    static final String B = "active_computation";

    static List<SentenceScore> rows() {
        List<SentenceScore> rows = new ArrayList<>();
        add(rows, 101, A, 1, 2, 6);
        add(rows, 101, B, 1, 1, 1);
        add(rows, 201, A, 4, 4, 4);
        add(rows, 201, B, 2, 2, 2);
        add(rows, 301, A, 3, 3, 3, 3);
        add(rows, 301, B, 3, 3, 3);
        add(rows, 401, A, 5, 5); // only 2 sentences: dropped
        add(rows, 401, B, 1, 1, 1);
        add(rows, 501, A, Double.NaN, Double.NaN, Double.NaN); // kept group, NaN value
        add(rows, 501, B, 2, 2, 2);
        add(rows, 101, "problem_setup", 9, 9, 9); // not an analysed category
        return rows;
    }

    /** Traces 101 and 201 are the two traces of one problem; the others each of their own. */
    static int problemOf(int trace) {
        return trace == 201 ? 1 : trace / 100;
    }

    static void add(List<SentenceScore> rows, int trace, String tag, double... v) {
        for (double x : v) {
            rows.add(new SentenceScore(trace, problemOf(trace), tag, x));
        }
    }

    static CategoryResult analyse(List<String> categories, CategoryAggregate aggregate) {
        return CategoryAnalysis.analyse(rows(), categories, aggregate, 2, BootstrapOptions.DEFAULT);
    }

    @Test
    void meanPerTraceAndPairedTestsByHand() {
        CategoryResult r = analyse(List.of(A, B), CategoryAggregate.MEAN);
        assertEquals(3.0, r.perTrace().get(A).get(101), 1e-15);
        assertFalse(r.perTrace().get(A).containsKey(401));
        assertEquals(2, r.tests().size());
        PairTest ab = r.test(A, B);
        assertEquals(4, ab.tracesBeforeNaN());
        TTestResult t = ab.test();
        // d = A − B over 101, 201, 301 = [2, 2, 0]: mean 4/3, sd √(4/3) → t = 2; df = 2 → p = 1 − 2/√6
        assertEquals(3, t.n());
        assertEquals(2, t.df());
        assertEquals(2.0, t.t(), 1e-12);
        assertEquals(1 - 2 / Math.sqrt(6), t.p(), 1e-9);
        assertEquals(-2.0, r.test(B, A).test().t(), 1e-12);
        assertEquals(t.p(), r.test(B, A).test().p(), 1e-15);
        // d_z = mean(d) / sd(d) = (4/3) / √(4/3) = √(4/3); one unordered pair: Holm leaves its p as it is.
        assertEquals(Math.sqrt(4.0 / 3), ab.cohensDz(), 1e-12);
        assertEquals(-Math.sqrt(4.0 / 3), r.test(B, A).cohensDz(), 1e-12);
        assertEquals(t.p(), ab.pHolm(), 1e-15);
        assertEquals(t.p(), r.test(B, A).pHolm(), 1e-15);
    }

    @Test
    void categoryMeansOverTracesWithProblemsDrawnTogether() {
        CategoryResult r = analyse(List.of(A, B), CategoryAggregate.MEAN);
        // A's per-trace values: 101 → 3, 201 → 4, 301 → 3, 501 → NaN (left out); 101 and 201 are one problem.
        ClusterBootstrap.Interval a = r.mean(A).interval();
        assertEquals(10.0 / 3, a.estimate(), 1e-12);
        assertEquals(3, a.values());
        assertEquals(2, a.clusters());
        assertTrue(a.fewClusters());
        // Two problems, {3, 4} (sum 7, 2 traces) and {3}: a resample is 7·k + 3·(2 − k) over 2k + (2 − k) traces for
        // k draws of the first: 3 (k = 0), 10/3 (k = 1) or 14/4 (k = 2), nothing else.
        for (double m : a.resampleMeans()) {
            assertTrue(Math.abs(m - 3) < 1e-12 || Math.abs(m - 10.0 / 3) < 1e-12 || Math.abs(m - 3.5) < 1e-12,
                    "resample mean " + m);
        }
        assertEquals(3.0, a.low(), 1e-12);
        assertEquals(3.5, a.high(), 1e-12);
        // B: 101 → 1, 201 → 2, 301 → 3, 401 → 1, 501 → 2, of 4 problems.
        assertEquals(1.8, r.mean(B).interval().estimate(), 1e-12);
        assertEquals(4, r.mean(B).interval().clusters());
        assertEquals(Map.of(101, 1, 201, 1, 301, 3, 401, 4, 501, 5), r.problemOfTrace());
        assertEquals(BootstrapOptions.DEFAULT, r.bootstrap());
    }

    @Test
    void holmFamilyIsTheUnorderedPairs() {
        String c = "self_checking";
        List<SentenceScore> rows = new ArrayList<>(rows());
        add(rows, 101, c, 0, 0, 1);
        add(rows, 201, c, 2, 1, 1);
        add(rows, 301, c, 0, 1, 1);
        add(rows, 501, c, 1, 0, 0);
        CategoryResult r = CategoryAnalysis.analyse(rows, List.of(A, B, c), CategoryAggregate.MEAN, 2,
                BootstrapOptions.DEFAULT);
        assertEquals(6, r.tests().size());
        List<PairTest> unordered = List.of(r.test(A, B), r.test(A, c), r.test(B, c));
        PairTest smallest = unordered.stream().min((x, y) -> Double.compare(x.test().p(), y.test().p())).orElseThrow();
        // Three members, not six: the smallest p is multiplied by 3.
        assertEquals(Math.min(1, 3 * smallest.test().p()), smallest.pHolm(), 1e-15);
        for (PairTest t : unordered) {
            PairTest reverse = r.test(t.categoryB(), t.categoryA());
            assertEquals(t.pHolm(), reverse.pHolm(), 0);
            assertTrue(t.pHolm() >= t.test().p() && t.pHolm() <= Math.min(1, 3 * t.test().p()));
        }
    }

    @Test
    void aTraceOfTwoProblemsIsRefused() {
        List<SentenceScore> rows = new ArrayList<>(rows());
        rows.add(new SentenceScore(101, 9, A, 1));
        assertThrows(IllegalArgumentException.class,
                () -> CategoryAnalysis.analyse(rows, List.of(A, B), CategoryAggregate.MEAN, 2, BootstrapOptions.DEFAULT));
    }

    @Test
    void medianPerTrace() {
        CategoryResult r = analyse(List.of(A, B), CategoryAggregate.MEDIAN);
        assertEquals(2.0, r.perTrace().get(A).get(101), 0);
        // d = [1, 2, 0] → t = √3, p = 1 − √3/√5 with df = 2
        assertEquals(Math.sqrt(3), r.test(A, B).test().t(), 1e-12);
        assertEquals(1 - Math.sqrt(3) / Math.sqrt(5), r.test(A, B).test().p(), 1e-9);
    }

    @Test
    void everyOrderedPairOfTheFigureCategoriesIsTested() {
        CategoryResult r = analyse(Categories.FIGURE_ORDER, CategoryAggregate.MEAN);
        assertEquals(30, r.tests().size());
        assertEquals(Categories.FIGURE_ORDER.get(0), r.tests().get(0).categoryA());
        assertEquals(0, r.test("self_checking", A).tracesBeforeNaN());
    }
}
