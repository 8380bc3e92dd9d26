package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.data.PublishedFolder;
import io.thoughtanchors.data.ResampleCounts;
import io.thoughtanchors.data.SolutionFolder;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceFile;

import java.util.LinkedHashMap;
import java.util.Map;

/** What run.json records of the input: how --data was read and, per trace, where it came from and what it has. */
public final class DataJson {

    private DataJson() {
    }

    public static Map<String, Object> options(DataOptions options) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("solution_folders", options.runs().stream().sorted().map(SolutionFolder.Run::optionName).toList());
        json.put("step_attribution", options.stepAttribution().map(p -> p.toAbsolutePath().normalize().toString())
                .orElse(null));
        json.put("prompt_file", options.promptFile().map(p -> p.toAbsolutePath().normalize().toString()).orElse(null));
        json.put("count_resampled_solutions", options.countResamples());
        return json;
    }

    /** The source of one trace, and which of the optional data it has. */
    public static Map<String, Object> source(Trace t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layout", t.layout().label());
        json.put("path", t.source().path().toAbsolutePath().normalize().toString());
        if (t.source() instanceof PublishedFolder f) {
            json.put("model_folder", f.model());
            json.put("sampling", f.sampling().map(s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("folder", s.name());
                m.put("temperature", s.temperature());
                m.put("top_p", s.topP());
                return m;
            }).orElse(null));
            json.put("solution_folder", f.solution().dirName());
            json.put("problem_id", f.problemId());
            json.put("step_attribution", f.stepAttribution().map(Object::toString).orElse(null));
            json.put("resampled_solutions", f.resamples().map(DataJson::resamples).orElse(null));
        } else if (t.source() instanceof TraceFile f) {
            json.put("line", f.line().isPresent() ? f.line().getAsInt() : null);
            json.put("problem_number", f.problemNumber());
        }
        json.put("chunks", t.numChunks());
        json.put("has_categories", t.labels().isPresent());
        json.put("has_importance", t.importance().isPresent());
        json.put("has_step_importance", t.stepImportance().isPresent());
        return json;
    }

    private static Map<String, Object> resamples(ResampleCounts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chunk_folders", c.chunkFolders());
        m.put("solutions", c.solutions());
        m.put("usable", c.usable());
        m.put("skipped_with_error", c.withError());
        m.put("skipped_without_answer", c.withoutAnswer());
        m.put("unreadable_files", c.unreadableFiles());
        return m;
    }
}
