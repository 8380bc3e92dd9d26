package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.suppression.TraceSuppression;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** run.json of suppression-matrix: what was used and done, enough to rerun it and to tell stored from computed. */
public record SuppressionRunReport(Instant started, Path data, Path output, Path cache, Map<String, Object> worker,
                            ModelInfo model, Profile profile, AnalysisOptions options, SuppressionOptions klOptions,
                            TraceSuppression.Settings settings, int parallel, DistancePooling distancePooling,
                            CategoryAggregate categoryAggregate, int categoryMinEntries,
                            List<TraceSuppression.Result> results, Map<String, Double> timingsSeconds,
                            List<String> warnings) {

    public Map<String, Object> toJson() {
        Map<String, Object> json = RunHeader.of("suppression-matrix", started, data, output, cache, worker, model);
        json.put("profile", profile.name());
        json.put("options", options.describe().lines().toList());
        json.put("suppression", suppressionJson());
        json.put("traces", traces());
        json.put("passes_computed", computedPasses());
        json.put("pass_seconds", passSeconds());
        json.put("passes_per_second", Json.number(passesPerSecond()));
        json.put("timings_seconds", timingsSeconds);
        json.put("warnings", warnings);
        return json;
    }

    private Map<String, Object> suppressionJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kl_mode", klOptions.klMode().name());
        m.put("kl_temperature", klOptions.temperature());
        m.put("take_log", klOptions.takeLog());
        m.put("alignment", klOptions.alignment().name());
        m.put("only_first", klOptions.onlyFirst().isPresent() ? klOptions.onlyFirst().getAsInt() : null);
        m.put("tail_floor", klOptions.tailFloor());
        m.put("nucleus", settings.nucleus());
        m.put("suppressed_heads", "all heads of all layers");
        m.put("full_recompute", settings.fullRecompute());
        m.put("variants_per_call", settings.variantsPerCall());
        m.put("batch_size", settings.batchSize());
        m.put("parallel", parallel);
        m.put("input", "token ids cut at the end of the last sentence");
        m.put("row_normalisation", "j >= i masked, row mean over j < i subtracted");
        m.put("distance_pooling", distancePooling.name());
        m.put("category_aggregate", categoryAggregate.name());
        m.put("category_min_entries", categoryMinEntries);
        return m;
    }

    private List<Map<String, Object>> traces() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TraceSuppression.Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.plan().id());
            row.put("sentences", r.columns().length);
            row.put("text_tokens", r.input().input().ranges().numTokens());
            row.put("input_tokens", r.input().input().numTokens());
            row.put("token_ranges_from", r.input().rangesSource());
            row.put("store", r.store().dir().toString());
            row.put("baseline_from_store", r.baselineFromStore());
            row.put("columns_from_store", r.columnsFromStore());
            row.put("passes_computed", computedPasses(r));
            row.put("passes", r.passes().stream().map(p -> {
                Map<String, Object> pass = new LinkedHashMap<>();
                pass.put("suppressed", p.columns().isEmpty() ? "baseline" : p.columns());
                pass.put("seconds", p.seconds());
                pass.put("attempts", p.attempts());
                return pass;
            }).toList());
            rows.add(row);
        }
        return rows;
    }

    /** Forward passes (variants) this run asked for, the baseline included. */
    public static int computedPasses(TraceSuppression.Result r) {
        return r.passes().stream().mapToInt(p -> Math.max(1, p.columns().size())).sum();
    }

    public int computedPasses() {
        return results.stream().mapToInt(SuppressionRunReport::computedPasses).sum();
    }

    public double passSeconds() {
        return timingsSeconds.getOrDefault("passes", Double.NaN);
    }

    public double passesPerSecond() {
        return computedPasses() / passSeconds();
    }
}
