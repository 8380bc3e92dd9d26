package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.compare.StepImportanceSummary;
import io.thoughtanchors.data.ChunkImportance;
import io.thoughtanchors.data.ChunkLabel;
import io.thoughtanchors.data.Summary;
import io.thoughtanchors.data.SummaryStep;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.pipeline.SummaryResult.TraceSummary;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.output.OutputFolder;
import io.thoughtanchors.pipeline.output.Table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * summary.json recomputed from step_importance.json (docs/algorithms.md §1.2) for every trace that has one, in the published
 * layout, with a table saying which equal the published files; run.json last.
 */
final class SummaryRun {

    /** Published averages are printed with Python's repr, so a recomputed value agrees to rounding. */
    static final double TOLERANCE = 1e-12;

    private SummaryRun() {
    }

    static SummaryResult run(SummaryRequest request, OutputFolder output, RunEvents events) {
        Instant started = Instant.now();
        List<Trace> traces = Inputs.read(request.data(), request.dataOptions(), events);
        List<Trace> withMatrix = new ArrayList<>();
        for (Trace t : traces) {
            if (t.stepImportance().isPresent()) {
                withMatrix.add(t);
            } else {
                events.warning(t.id() + ": no step_importance.json, no summary to recompute");
            }
        }
        if (withMatrix.isEmpty()) {
            throw PipelineException.badInput("no trace under " + request.data() + " has a step_importance.json", null);
        }
        output.create();
        List<TraceSummary> summaries = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        for (Trace t : withMatrix) {
            StepImportanceSummary s = StepImportanceSummary.of(t.stepImportance().get());
            Optional<Boolean> matches = t.summary().map(published -> matches(s, published));
            summaries.add(new TraceSummary(t.id(), s, matches));
            output.write(t.id() + "/summary.json", Json.write(publishedLayout(t, s)));
            rows.add(Arrays.asList(t.id(), s.numChunks(), s.avgImportance(), s.maxImportance(), s.minImportance(),
                    matches.orElse(null)));
            if (matches.isEmpty()) {
                events.warning(t.id() + ": no published summary.json to compare the recomputed one with");
            } else if (!matches.get()) {
                events.warning(t.id() + ": the recomputed summary.json differs from the published one");
            }
        }
        Table table = new Table("summaries", List.of("trace_id", "num_chunks", "avg_importance", "max_importance",
                "min_importance", "matches_published"), rows);
        output.write(table.fileName(), table.csv());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", "summary");
        run.put("ta_version", PipelineVersion.get());
        run.put("started", started.toString());
        run.put("data", request.data().toAbsolutePath().normalize().toString());
        run.put("output", output.dir().toString());
        run.put("what", "summary.json recomputed from step_importance.json: averages over the full n x n matrix,"
                + " top 5 steps by positive mean outgoing (influential) and incoming (dependent) importance");
        run.put("traces", table.jsonRows());
        run.put("warnings", events.warnings());
        output.write(OutputFolder.RUN_JSON, Json.write(run));
        return new SummaryResult(summaries, output.dir(), output.written(), events.warnings());
    }

    static boolean matches(StepImportanceSummary s, Summary published) {
        return s.numChunks() == published.numChunks()
                && close(s.avgImportance(), published.avgImportance())
                && close(s.maxImportance(), published.maxImportance())
                && close(s.minImportance(), published.minImportance())
                && sameSteps(s.topInfluential(), published.topInfluentialSteps())
                && sameSteps(s.topDependent(), published.topDependentSteps());
    }

    private static boolean sameSteps(List<StepImportanceSummary.Step> ours, List<SummaryStep> published) {
        if (ours.size() != published.size()) {
            return false;
        }
        for (int i = 0; i < ours.size(); i++) {
            if (ours.get(i).index() != published.get(i).stepIdx()
                    || !close(ours.get(i).average(), published.get(i).avgImportance())) {
                return false;
            }
        }
        return true;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));
    }

    /** The layout of the published summary.json, the steps' texts from this trace's chunks_labeled.json. */
    private static Map<String, Object> publishedLayout(Trace t, StepImportanceSummary s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("problem_idx", t.source().problemNumber());
        json.put("num_chunks", s.numChunks());
        json.put("avg_importance", s.avgImportance());
        json.put("max_importance", s.maxImportance());
        json.put("min_importance", s.minImportance());
        json.put("top_influential_steps", steps(t, s.topInfluential(), "avg_outgoing_importance"));
        json.put("top_dependent_steps", steps(t, s.topDependent(), "avg_incoming_importance"));
        return json;
    }

    private static List<Map<String, Object>> steps(Trace t, List<StepImportanceSummary.Step> steps, String field) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StepImportanceSummary.Step step : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step_idx", step.index());
            m.put("step_text", chunk(t, step.index()));
            m.put(field, step.average());
            out.add(m);
        }
        return out;
    }

    /** The chunks_labeled.json record of a chunk: its text, and the labels and importance the trace has. */
    private static Map<String, Object> chunk(Trace t, int index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chunk", t.chunks().get(index));
        m.put("chunk_idx", index);
        t.label(index).ifPresent(label -> {
            m.put("function_tags", label.functionTags());
            m.put("depends_on", label.dependsOn().stream().map(String::valueOf).toList());
        });
        t.importance(index).ifPresent(importance -> {
            double[] values = importance.values();
            for (int f = 0; f < values.length; f++) {
                m.put(ChunkImportance.FIELDS.get(f), Json.number(values[f]));
            }
        });
        t.label(index).flatMap(ChunkLabel::summary).ifPresent(summary -> m.put("summary", summary));
        return m;
    }
}
