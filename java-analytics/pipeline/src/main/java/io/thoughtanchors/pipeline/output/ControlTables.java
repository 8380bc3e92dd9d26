package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.HeadControls;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.attention.HeadRankingResult;
import io.thoughtanchors.analysis.attention.SegmentationNull;
import io.thoughtanchors.pipeline.cache.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The receiver-head controls' tables (docs/algorithms.md §6.4–6.5): head_controls and proximity_sweep. */
public final class ControlTables {

    private static final List<String> NULL_COLUMNS = List.of("null_observed_kurtosis", "null_mean", "null_sd", "z",
            "p");

    private ControlTables() {
    }

    public static List<Table> of(HeadControls.Result controls, HeadRankingResult ranking) {
        List<Table> tables = new ArrayList<>();
        tables.add(headControls(controls, ranking));
        if (!controls.sweep().isEmpty()) {
            tables.add(proximitySweep(controls));
        }
        return tables;
    }

    /** One row per head; the null's columns only when the null ran. */
    static Table headControls(HeadControls.Result c, HeadRankingResult ranking) {
        Map<Head, Integer> rank = new HashMap<>();
        for (int i = 0; i < ranking.topHeads().size(); i++) {
            rank.put(ranking.topHeads().get(i), i + 1);
        }
        Optional<SegmentationNull.Result> n = c.segmentationNull();
        List<String> columns = new ArrayList<>(List.of("layer", "head", "mean_kurtosis", "top_rank", "in_top_k",
                "recency_share"));
        n.ifPresent(x -> columns.addAll(NULL_COLUMNS));
        List<List<Object>> rows = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            for (int h = 0; h < c.heads(); h++) {
                Head head = new Head(l, h);
                int f = head.flatIndex(c.heads());
                List<Object> row = new ArrayList<>(Arrays.asList(l, h, ranking.meanKurtosis(head), rank.get(head),
                        rank.containsKey(head), c.recencyShare()[f]));
                n.ifPresent(x -> row.addAll(List.of(x.observed()[f], x.nullMean()[f], x.nullSd()[f], x.z()[f],
                        x.p()[f])));
                rows.add(row);
            }
        }
        return new Table("head_controls", columns, rows);
    }

    /** One row per sweep value: its top-k heads and their agreement with the run's ranking. */
    static Table proximitySweep(HeadControls.Result c) {
        List<List<Object>> rows = new ArrayList<>();
        for (HeadControls.SweepPoint p : c.sweep()) {
            Optional<HeadRankingResult> r = p.ranking();
            rows.add(Arrays.asList(p.proximityIgnore(), p.configured(),
                    r.map(x -> (int) Arrays.stream(x.meanKurtosis()).filter(Double::isFinite).count()).orElse(null),
                    r.map(x -> x.topHeads().size()).orElse(null), r.isPresent() ? p.overlapCount() : null,
                    p.overlap(), p.spearman().r(), p.spearman().n(),
                    r.map(x -> x.topHeads().stream().map(Head::toString).collect(Collectors.joining(" ")))
                            .orElse(null),
                    p.notComputed().orElse(null)));
        }
        return new Table("proximity_sweep", List.of("proximity_ignore", "configured", "heads_ranked", "top_k",
                "overlap_count", "overlap", "spearman_r", "spearman_n", "top_heads", "not_computed"), rows);
    }

    /**
     * results.json's and run.json's {@code head_controls}: the recency window, the sweep values, and the null's
     * settings and traces (or why it is absent).
     *
     * @param nullTraces per trace in the null: id, fine blocks, tokens, seconds (empty without the null)
     * @param leftOut    traces left out of the null, with the reason
     */
    public static Map<String, Object> json(HeadControls.Result c, List<Integer> sweepValues, int permutations,
                                           long seed, int blockTokens, List<Map<String, Object>> nullTraces,
                                           Map<String, String> leftOut, Optional<String> nullNotComputed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("recency_window", c.proximityIgnore());
        json.put("proximity_sweep", sweepValues);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("computed", c.segmentationNull().isPresent());
        n.put("not_computed", nullNotComputed.orElse(null));
        n.put("permutations", permutations);
        n.put("seed", seed);
        n.put("block_tokens", blockTokens);
        n.put("p_min", permutations > 0 ? Json.number(1.0 / (permutations + 1)) : null);
        n.put("traces", nullTraces);
        n.put("traces_left_out", leftOut);
        json.put("segmentation_null", n);
        return json;
    }
}
