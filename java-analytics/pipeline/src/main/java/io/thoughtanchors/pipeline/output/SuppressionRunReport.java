package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.suppression.Placebo;
import io.thoughtanchors.pipeline.suppression.TraceSuppression;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** run.json of suppression-matrix: what was used and done, enough to rerun it and to tell stored from computed. */
public record SuppressionRunReport(Instant started, Path data, DataOptions dataOptions, Path output, Path cache,
                                   Map<String, Object> worker, ModelInfo model, Profile profile,
                                   AnalysisOptions options, SuppressionOptions klOptions,
                                   TraceSuppression.Settings settings, Placebo placebo, int parallel, DistancePooling distancePooling,
                                   CategoryAggregate categoryAggregate, int categoryMinEntries,
                                   List<TraceSuppression.Result> results, Map<String, String> leftOut,
                                   Map<String, String> notComputed, Map<String, Double> timingsSeconds,
                                   List<String> warnings) {

    public Map<String, Object> toJson() {
        Map<String, Object> json = RunHeader.of("suppression-matrix", started, data, output, cache, worker, model);
        json.put("data_options", DataJson.options(dataOptions));
        json.put("profile", profile.name());
        json.put("options", options.describe().lines().toList());
        json.put("suppression", suppressionJson());
        json.put("traces", traces());
        json.put("traces_left_out", leftOut);
        json.put("not_computed", notComputed);
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
        m.put("prefix_reuse", prefixReuse());
        m.put("kernel", settings.kernel().name());
        m.put("variants_per_call", settings.variantsPerCall());
        m.put("batch_size", settings.batchSize());
        m.put("parallel", parallel);
        m.put("input", "token ids cut at the end of the last sentence");
        m.put("row_normalisation", "j >= i masked, row mean over j < i subtracted");
        m.put("distance_pooling", distancePooling.name());
        m.put("category_aggregate", categoryAggregate.name());
        m.put("category_min_entries", categoryMinEntries);
        m.put("placebo_draws", placebo.draws());
        m.put("placebo_seed", placebo.seed());
        if (placebo.on()) {
            m.put("placebo_rule", placebo.rule().cliName());
            m.put("placebo_spans", switch (placebo.rule()) {
                case DISJOINT -> "per sentence j up to placebo_draws spans [a_j - len_j - s, a_j - s), distinct seeded"
                        + " offsets 1 <= s <= len_j - 1 with a_j - len_j - s >= max(a_0, 1) and neither end a sentence"
                        + " boundary (docs/algorithms.md §12.9)";
                case STRADDLING -> "per sentence j up to placebo_draws spans [a_j - s, b_j - s), distinct seeded"
                        + " offsets 1 <= s <= min(len_j - 1, a_j - max(a_0, 1)) (docs/algorithms.md §12.9)";
            });
        }
        return m;
    }

    /** Whether the passes reused the baseline's prefix, and if not, why not. */
    private String prefixReuse() {
        if (!model.hasCapability(TraceSuppression.Settings.PREFIX_REUSE)) {
            return "absent: the worker lacks " + TraceSuppression.Settings.PREFIX_REUSE
                    + ", so every pass recomputed and shipped every position";
        }
        return settings.fullRecompute() ? "off: a full recompute was asked for" : "used";
    }

    private List<Map<String, Object>> traces() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TraceSuppression.Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.plan().id());
            row.put("source", DataJson.source(r.plan().trace()));
            row.put("sentences", r.columns().length);
            row.put("text_tokens", r.input().input().ranges().numTokens());
            row.put("input_tokens", r.input().input().numTokens());
            row.put("token_ranges_from", r.input().rangesSource());
            row.put("store", r.store().dir().toString());
            row.put("baseline_from_store", r.baselineFromStore());
            row.put("columns_from_store", r.columnsFromStore());
            row.put("passes_computed", computedPasses(r));
            if (placebo.on()) {
                row.put("placebo_spans", r.placeboSpans().size());
                row.put("placebos_from_store", r.placebosFromStore());
                row.put("placebo_passes_computed", r.passes().stream().mapToInt(p -> p.placebos().size()).sum());
                row.put("real_call_seconds", r.passes().stream().filter(p -> !p.columns().isEmpty())
                        .mapToDouble(TraceSuppression.PassTiming::seconds).sum());
                row.put("placebo_call_seconds", r.passes().stream().filter(p -> !p.placebos().isEmpty())
                        .mapToDouble(TraceSuppression.PassTiming::seconds).sum());
            }
            row.put("passes", r.passes().stream().map(p -> {
                Map<String, Object> pass = new LinkedHashMap<>();
                if (!p.placebos().isEmpty()) {
                    pass.put("placebo_spans", p.placebos().stream().map(s -> List.of(s.sentence(), s.start(), s.end()))
                            .toList());
                } else {
                    pass.put("suppressed", p.columns().isEmpty() ? "baseline" : p.columns());
                }
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
        return r.passes().stream().mapToInt(TraceSuppression.PassTiming::variants).sum();
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
