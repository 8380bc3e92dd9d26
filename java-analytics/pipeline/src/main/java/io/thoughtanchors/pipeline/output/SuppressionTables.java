package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.suppression.SuppressionAveraging.CategoryPair;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistanceCurve;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.PairStat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The suppression-matrix command's CSV tables. */
public final class SuppressionTables {

    private SuppressionTables() {
    }

    /** An n×n matrix: one row per receiving sentence i, one column per suppressed sentence j. */
    public static Table matrix(String name, double[][] e) {
        List<String> columns = new ArrayList<>(List.of("receiving"));
        for (int j = 0; j < e.length; j++) {
            columns.add(Integer.toString(j));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            List<Object> row = new ArrayList<>(List.of(i));
            Arrays.stream(e[i]).forEach(row::add);
            rows.add(row);
        }
        return new Table(name, columns, rows);
    }

    public static Table byDistance(DistanceCurve curve) {
        List<List<Object>> rows = new ArrayList<>();
        for (int k = 0; k < curve.size(); k++) {
            rows.add(List.of(curve.distance()[k], curve.mean()[k], curve.standardError()[k], curve.entries()[k],
                    curve.traces()[k]));
        }
        return new Table("suppression_by_distance", List.of("distance", "mean", "standard_error", "entries",
                "traces"), rows);
    }

    public static Table byCategoryPair(Map<CategoryPair, PairStat> pairs) {
        List<List<Object>> rows = new ArrayList<>();
        pairs.values().forEach(p -> rows.add(List.of(p.pair().receiving(), p.pair().suppressed(), p.traces(),
                p.mean(), p.standardError())));
        return new Table("suppression_by_category_pair", List.of("receiving_category", "suppressed_category",
                "traces", "mean", "standard_error"), rows);
    }

    public static Table comparisons(List<PublishedComparison> comparisons) {
        List<List<Object>> rows = new ArrayList<>();
        comparisons.forEach(c -> rows.add(List.of(c.traceId(), c.pairs(), c.pearson().r(), c.pearson().p(),
                c.spearman().r(), c.spearman().p())));
        return new Table("published_comparison", List.of("trace_id", "pairs", "pearson_r", "pearson_p", "spearman_r",
                "spearman_p"), rows);
    }
}
