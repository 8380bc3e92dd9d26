package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.suppression.PlaceboComparison;
import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.CategoryPair;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistanceCurve;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.PairStat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The suppression-matrix command's CSV tables. */
public final class SuppressionTables {

    /** Per trace: every placebo span's value for every receiving sentence (docs/algorithms.md §12.9). */
    public static final String PLACEBO_FILE = "suppression_placebo.csv";
    /** Per trace: each cell below the diagonal against its placebo distribution. */
    public static final String VS_PLACEBO_FILE = "suppression_vs_placebo.csv";
    static final List<String> VS_PLACEBO_COLUMNS = List.of("receiving", "suppressed", "real", "placebo_mean",
            "placebo_sd", "draws", "difference", "ratio", "placebo_below", "p_empirical");

    private SuppressionTables() {
    }

    /** Long format: one row per (receiving sentence i, placebo span), the span's value for i (NaN: empty window). */
    public static Table placebo(List<PlaceboSpans.Span> spans, List<double[]> values) {
        List<List<Object>> rows = new ArrayList<>();
        for (int s = 0; s < spans.size(); s++) {
            PlaceboSpans.Span span = spans.get(s);
            double[] column = values.get(s);
            for (int i = 0; i < column.length; i++) {
                rows.add(List.of(i, span.sentence(), span.draw(), span.offset(), span.start(), span.end(), column[i]));
            }
        }
        return new Table("suppression_placebo", List.of("receiving", "suppressed", "draw", "offset", "placebo_start",
                "placebo_end", "placebo"), rows);
    }

    public static Table vsPlacebo(List<PlaceboComparison.Cell> cells) {
        List<List<Object>> rows = new ArrayList<>();
        cells.forEach(c -> rows.add(List.of(c.receiving(), c.suppressed(), c.real(), c.placeboMean(), c.placeboSd(),
                c.draws(), c.difference(), c.ratio(), c.below(), c.pEmpirical())));
        return new Table("suppression_vs_placebo", VS_PLACEBO_COLUMNS, rows);
    }

    /** One row per trace, then {@code all} over every trace's cells. */
    public static Table placeboSummary(Map<String, PlaceboComparison.Summary> byTrace, PlaceboComparison.Summary all) {
        List<List<Object>> rows = new ArrayList<>();
        byTrace.forEach((id, s) -> rows.add(summaryRow(id, s)));
        rows.add(summaryRow("all", all));
        return new Table("suppression_placebo_summary", List.of("trace_id", "cells", "share_above_placebo",
                "median_ratio", "median_difference"), rows);
    }

    private static List<Object> summaryRow(String id, PlaceboComparison.Summary s) {
        return List.of(id, s.cells(), s.shareAbove(), s.medianRatio(), s.medianDifference());
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
