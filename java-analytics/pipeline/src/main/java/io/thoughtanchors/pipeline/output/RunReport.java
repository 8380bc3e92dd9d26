package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.pipeline.cache.CacheFiller;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** run.json: what a receivers run used and did, enough to rerun it and to tell cached traces from computed ones. */
public record RunReport(String command, Instant started, Path data, Path output, Path cache, Map<String, Object> worker,
                 CacheFiller.Filled filled, List<TracePlan> plans, Profile profile, AnalysisOptions options,
                 Map<String, Double> timingsSeconds, List<String> warnings) {

    public Map<String, Object> toJson() {
        ModelInfo model = filled.model();
        Map<String, Object> json = RunHeader.of(command, started, data, output, cache, worker, model);
        json.put("model_source", filled.modelFromWorker() ? "worker" : "cache (no worker contacted)");
        json.put("profile", profile.name());
        json.put("options", options.describe().lines().toList());
        json.put("traces", traces());
        json.put("traces_from_cache", tracesFromCache());
        json.put("timings_seconds", timingsSeconds);
        json.put("warnings", warnings);
        return json;
    }

    private List<Map<String, Object>> traces() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            CacheMetadata entry = filled.entries().get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", plans.get(i).id());
            row.put("sentences", entry.ranges().size());
            row.put("tokens", entry.ranges().numTokens());
            row.put("matrix_side", entry.size());
            row.put("from_cache", !filled.computed()[i]);
            row.put("tokenize_seconds", Json.number(filled.tokenizeSeconds()[i]));
            row.put("attention_seconds", Json.number(filled.attentionSeconds()[i]));
            row.put("cache_file", cache.resolve(entry.key().relativePath()).toString());
            rows.add(row);
        }
        return rows;
    }

    private List<String> tracesFromCache() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (!filled.computed()[i]) {
                ids.add(plans.get(i).id());
            }
        }
        return ids;
    }
}
