package io.thoughtanchors.analysis.taxonomy;

import io.thoughtanchors.analysis.stats.TTestResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

    static void add(List<SentenceScore> rows, int trace, String tag, double... v) {
        for (double x : v) {
            rows.add(new SentenceScore(trace, tag, x));
        }
    }

    @Test
    void meanPerTraceAndPairedTestsByHand() {
        CategoryResult r = CategoryAnalysis.analyse(rows(), List.of(A, B), CategoryAggregate.MEAN, 2);
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
    }

    @Test
    void medianPerTrace() {
        CategoryResult r = CategoryAnalysis.analyse(rows(), List.of(A, B), CategoryAggregate.MEDIAN, 2);
        assertEquals(2.0, r.perTrace().get(A).get(101), 0);
        // d = [1, 2, 0] → t = √3, p = 1 − √3/√5 with df = 2
        assertEquals(Math.sqrt(3), r.test(A, B).test().t(), 1e-12);
        assertEquals(1 - Math.sqrt(3) / Math.sqrt(5), r.test(A, B).test().p(), 1e-9);
    }

    @Test
    void everyOrderedPairOfTheFigureCategoriesIsTested() {
        CategoryResult r = CategoryAnalysis.analyse(rows(), Categories.FIGURE_ORDER, CategoryAggregate.MEAN, 2);
        assertEquals(30, r.tests().size());
        assertEquals(Categories.FIGURE_ORDER.get(0), r.tests().get(0).categoryA());
        assertEquals(0, r.test("self_checking", A).tracesBeforeNaN());
    }
}
