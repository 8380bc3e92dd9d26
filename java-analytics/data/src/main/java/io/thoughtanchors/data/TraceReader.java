package io.thoughtanchors.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads published trace folders ({@code <modelDir>/<solutionType>/problem_<id>/}).
 *
 * <p>{@code problem.json}, {@code base_solution.json}, {@code chunks_labeled.json} and {@code summary.json}
 * are required; {@code step_importance.json} (missing for one published trace) and
 * {@code step_importance_supp.json} are optional. Every problem raises {@link TraceFormatException}
 * naming the offending path; nothing is skipped silently.
 */
public final class TraceReader {

    /** Deterministic trace order: model dir, correct before incorrect, problem id ascending. */
    public static final Comparator<Trace> ORDER = Comparator.comparing(Trace::modelDir)
            .thenComparing(Trace::solutionType)
            .thenComparingInt(Trace::problemId);

    private static final Pattern PROBLEM_DIR = Pattern.compile("problem_(\\d+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TraceReader() {
    }

    /**
     * Reads every trace under {@code path}: a trace folder, a solution-type folder, a model folder, or a
     * root holding model folders. Result is in {@link #ORDER}.
     */
    public static List<Trace> readTree(Path path) {
        if (!Files.isDirectory(path)) {
            throw new TraceFormatException(path, "not a directory");
        }
        List<Path> traceDirs = new ArrayList<>();
        collectTraceDirs(path, traceDirs);
        if (traceDirs.isEmpty()) {
            throw new TraceFormatException(path, "no trace folder (<model>/<correct|incorrect>_base_solution/problem_<id>) found");
        }
        List<Trace> traces = new ArrayList<>(traceDirs.size());
        for (Path dir : traceDirs) {
            traces.add(readTrace(dir));
        }
        traces.sort(ORDER);
        return traces;
    }

    private static void collectTraceDirs(Path path, List<Path> out) {
        String name = fileName(path);
        if (PROBLEM_DIR.matcher(name).matches()) {
            out.add(path);
        } else if (SolutionType.fromDirName(name).isPresent()) {
            for (Path child : subdirectories(path)) {
                if (!PROBLEM_DIR.matcher(fileName(child)).matches()) {
                    throw new TraceFormatException(child, "unexpected folder in a solution-type folder; expected problem_<id>");
                }
                out.add(child);
            }
        } else if (hasSolutionTypeChild(path)) {
            for (Path child : subdirectories(path)) {
                if (SolutionType.fromDirName(fileName(child)).isPresent()) {
                    collectTraceDirs(child, out);
                }
            }
        } else {
            for (Path child : subdirectories(path)) {
                if (hasSolutionTypeChild(child)) {
                    collectTraceDirs(child, out);
                }
            }
        }
    }

    private static boolean hasSolutionTypeChild(Path dir) {
        return subdirectories(dir).stream().anyMatch(c -> SolutionType.fromDirName(fileName(c)).isPresent());
    }

    private static List<Path> subdirectories(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new TraceFormatException(dir, "cannot list folder: " + e.getMessage(), e);
        }
    }

    private static String fileName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? "" : f.toString();
    }

    /** Reads one {@code problem_<id>} folder; its parent must be a solution-type folder inside a model folder. */
    public static Trace readTrace(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Matcher m = PROBLEM_DIR.matcher(fileName(abs));
        if (!m.matches()) {
            throw new TraceFormatException(folder, "trace folder name must be problem_<id>");
        }
        Path typeDir = abs.getParent();
        SolutionType type = typeDir == null ? null : SolutionType.fromDirName(fileName(typeDir)).orElse(null);
        if (type == null || typeDir.getParent() == null) {
            throw new TraceFormatException(folder, "trace folder must sit in <model>/correct_base_solution or <model>/incorrect_base_solution");
        }
        String modelDir = fileName(typeDir.getParent());
        int problemId = Integer.parseInt(m.group(1));

        Problem problem = readProblem(folder.resolve("problem.json"));
        BaseSolution base = readBaseSolution(folder.resolve("base_solution.json"));
        Path chunksFile = folder.resolve("chunks_labeled.json");
        List<LabeledChunk> chunks = readChunks(chunksFile);
        Summary summary = readSummary(folder.resolve("summary.json"));
        Optional<double[][]> importance = readOptionalMatrix(folder.resolve("step_importance.json"), chunks.size(), 0.0);
        Optional<double[][]> supp = readOptionalMatrix(folder.resolve("step_importance_supp.json"), chunks.size(), Double.NaN);
        return new Trace(modelDir, type, problemId, problem, base, chunks, importance, summary, supp);
    }

    // ---- file parsers -------------------------------------------------------------------------------

    private static Problem readProblem(Path file) {
        JsonNode n = requireObject(file, readJson(file));
        return new Problem(text(file, n, "problem"), text(file, n, "level"), text(file, n, "type"),
                text(file, n, "gt_solution"), text(file, n, "gt_answer"), text(file, n, "nickname"));
    }

    private static BaseSolution readBaseSolution(Path file) {
        JsonNode n = requireObject(file, readJson(file));
        JsonNode correct = n.get("is_correct");
        if (correct == null || !correct.isBoolean()) {
            throw new TraceFormatException(file, "field 'is_correct' must be a boolean");
        }
        return new BaseSolution(text(file, n, "prompt"), text(file, n, "solution"), text(file, n, "full_cot"),
                text(file, n, "answer"), correct.booleanValue());
    }

    private static List<LabeledChunk> readChunks(Path file) {
        JsonNode arr = readJson(file);
        if (!arr.isArray() || arr.isEmpty()) {
            throw new TraceFormatException(file, "expected a non-empty JSON array of chunks");
        }
        List<LabeledChunk> chunks = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            JsonNode c = requireObject(file, arr.get(i));
            String where = "chunk " + i + ": ";
            int idx = integer(file, c, "chunk_idx", where);
            if (idx != i) {
                throw new TraceFormatException(file, where + "chunk_idx is " + idx + " but must equal its list position");
            }
            chunks.add(new LabeledChunk(
                    text(file, c, "chunk"), idx,
                    stringList(file, c, "function_tags", where),
                    dependsOn(file, c, where),
                    number(file, c, "accuracy", where),
                    number(file, c, "resampling_importance_accuracy", where),
                    number(file, c, "resampling_importance_kl", where),
                    number(file, c, "counterfactual_importance_accuracy", where),
                    number(file, c, "counterfactual_importance_kl", where),
                    number(file, c, "forced_importance_accuracy", where),
                    number(file, c, "forced_importance_kl", where),
                    number(file, c, "different_trajectories_fraction", where),
                    number(file, c, "overdeterminedness", where),
                    c.hasNonNull("summary") ? c.get("summary").asText() : ""));
        }
        return chunks;
    }

    private static Summary readSummary(Path file) {
        JsonNode n = requireObject(file, readJson(file));
        return new Summary(integer(file, n, "problem_idx", ""), integer(file, n, "num_chunks", ""),
                requiredNumber(file, n, "avg_importance"), requiredNumber(file, n, "max_importance"),
                requiredNumber(file, n, "min_importance"),
                summarySteps(file, n, "top_influential_steps", "avg_outgoing_importance"),
                summarySteps(file, n, "top_dependent_steps", "avg_incoming_importance"));
    }

    private static List<SummaryStep> summarySteps(Path file, JsonNode n, String field, String valueField) {
        JsonNode arr = n.get(field);
        if (arr == null || !arr.isArray()) {
            throw new TraceFormatException(file, "field '" + field + "' must be an array");
        }
        List<SummaryStep> steps = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode s = requireObject(file, arr.get(i));
            String where = field + "[" + i + "]: ";
            JsonNode stepText = s.get("step_text");
            if (stepText == null || !stepText.isObject()) {
                throw new TraceFormatException(file, where + "field 'step_text' must be an object");
            }
            JsonNode value = s.get(valueField);
            if (value == null || !value.isNumber()) {
                throw new TraceFormatException(file, where + "field '" + valueField + "' must be a number");
            }
            steps.add(new SummaryStep(integer(file, s, "step_idx", where), text(file, stepText, "chunk"), value.doubleValue()));
        }
        return List.copyOf(steps);
    }

    /** Reads a source→target matrix file; {@code fill} is the value of cells the file does not list. */
    private static Optional<double[][]> readOptionalMatrix(Path file, int nLabeled, double fill) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode arr = readJson(file);
        if (!arr.isArray()) {
            throw new TraceFormatException(file, "expected a JSON array of sources");
        }
        int n = arr.size();
        if (n != nLabeled) {
            throw new TraceFormatException(file, n + " sources but chunks_labeled.json has " + nLabeled + " chunks");
        }
        double[][] mat = new double[n][n];
        for (double[] row : mat) {
            Arrays.fill(row, fill);
        }
        for (int s = 0; s < n; s++) {
            JsonNode src = requireObject(file, arr.get(s));
            String where = "source " + s + ": ";
            int i = integer(file, src, "source_chunk_idx", where);
            JsonNode impacts = src.get("target_impacts");
            if (i < 0 || i >= n || impacts == null || !impacts.isArray()) {
                throw new TraceFormatException(file, where + "needs source_chunk_idx in [0," + n + ") and a target_impacts array");
            }
            for (JsonNode t : impacts) {
                int j = integer(file, t, "target_chunk_idx", where);
                JsonNode score = t.get("importance_score");
                if (j <= i || j >= n || score == null || !score.isNumber()) {
                    throw new TraceFormatException(file, where + "target " + j + " must lie in (" + i + "," + n
                            + ") and have a numeric importance_score");
                }
                mat[i][j] = score.doubleValue();
            }
        }
        return Optional.of(mat);
    }

    // ---- JSON helpers -------------------------------------------------------------------------------

    private static JsonNode readJson(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file, "required file is missing", e);
        } catch (JsonProcessingException e) {
            throw new TraceFormatException(file, "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TraceFormatException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode requireObject(Path file, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new TraceFormatException(file, "expected a JSON object");
        }
        return n;
    }

    private static String text(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new TraceFormatException(file, "field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static int integer(Path file, JsonNode n, String field, String where) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new TraceFormatException(file, where + "field '" + field + "' must be an integer");
        }
        return v.intValue();
    }

    private static double requiredNumber(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new TraceFormatException(file, "field '" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    /** Optional numeric field: absent or null → NaN; any other non-number is an error. */
    private static double number(Path file, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new TraceFormatException(file, where + "field '" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    private static List<String> stringList(Path file, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new TraceFormatException(file, where + "field '" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new TraceFormatException(file, where + "field '" + field + "' must be an array of strings");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** {@code depends_on} holds chunk indices as strings in the published data; plain integers are accepted too. */
    private static List<Integer> dependsOn(Path file, JsonNode n, String where) {
        JsonNode v = n.get("depends_on");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new TraceFormatException(file, where + "field 'depends_on' must be an array");
        }
        List<Integer> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            try {
                out.add(e.isIntegralNumber() ? e.intValue() : Integer.parseInt(e.asText().trim()));
            } catch (NumberFormatException ex) {
                throw new TraceFormatException(file, where + "depends_on entry '" + e.asText() + "' is not a chunk index", ex);
            }
        }
        return List.copyOf(out);
    }
}
