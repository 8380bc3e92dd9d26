package io.thoughtanchors.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The published trees: the web interface's ({@code <model>/<type>/problem_<id>/}) and the rollouts dataset's
 * ({@code <model>/temperature_<t>_top_p_<p>/<type>/problem_<id>/}, with {@code chunks.json}). A problem folder's
 * layout is told by the folder above its solution folder: a sampling folder means math-rollouts.
 *
 * <p>Required: {@code problem.json}, {@code base_solution.json}, and {@code chunks_labeled.json} (web) or
 * {@code chunks.json} (math-rollouts, where {@code chunks_labeled.json} is optional: without it a trace has no
 * categories and no black-box importance). Optional: {@code step_importance.json} and {@code summary.json} (in the
 * folder, else in a step-attribution tree), {@code step_importance_supp.json}, {@code chunk_<i>/solutions.json}.
 */
final class PublishedFolders {

    /** Deterministic order: model, sampling folder, correct before incorrect, base before other runs, problem id. */
    static final Comparator<PublishedFolder> ORDER = Comparator.comparing(PublishedFolder::model)
            .thenComparing(f -> f.sampling().map(SamplingFolder::name).orElse(""))
            .thenComparing(f -> f.solution().type())
            .thenComparing(f -> f.solution().run())
            .thenComparingInt(PublishedFolder::problemId);

    /** dataset root / model / sampling / solution folder / problem folder. */
    private static final int MAX_DEPTH = 4;
    private static final String STEP_ATTRIBUTION = "step_attribution";
    private static final Pattern PROBLEM_DIR = Pattern.compile("problem_(\\d+)");
    private static final Pattern CHUNK_DIR = Pattern.compile("chunk_(\\d+)");
    private static final JsonFactory STREAMS = new JsonFactory();

    private final DataOptions options;
    private final List<String> warnings;

    private PublishedFolders(DataOptions options, List<String> warnings) {
        this.options = options;
        this.warnings = warnings;
    }

    /** Every trace under {@code root}: a problem folder, a solution, sampling or model folder, or a root of them. */
    static List<Trace> read(Path root, DataOptions options, List<String> warnings) {
        PublishedFolders reader = new PublishedFolders(options, warnings);
        options.stepAttribution().ifPresent(tree -> {
            if (!Files.isDirectory(tree)) {
                throw new TraceFormatException(tree, "the step-attribution tree is not a folder");
            }
        });
        List<Path> problems = new ArrayList<>();
        Map<SolutionFolder.Run, Integer> leftOut = new EnumMap<>(SolutionFolder.Run.class);
        reader.collect(root, 0, problems, leftOut);
        String leftOutNote = leftOut.isEmpty() ? "" : "left out " + leftOut.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().optionName() + " folder(s)")
                .collect(Collectors.joining(" and ")) + " (each would be a trace of its own; --include-folders "
                + leftOut.keySet().stream().map(SolutionFolder.Run::optionName).collect(Collectors.joining(","))
                + " reads them)";
        if (problems.isEmpty()) {
            throw new TraceFormatException(root, "no trace folder (<model>/[temperature_<t>_top_p_<p>/]<correct|"
                    + "incorrect>_base_solution/problem_<id>) found" + (leftOutNote.isEmpty() ? "" : "; " + leftOutNote));
        }
        if (!leftOutNote.isEmpty()) {
            warnings.add(root + ": " + leftOutNote);
        }
        List<Trace> traces = new ArrayList<>(problems.size());
        for (Path dir : problems) {
            traces.add(reader.readFolder(dir));
        }
        traces.sort(Comparator.comparing(t -> (PublishedFolder) t.source(), ORDER));
        return traces;
    }

    private void collect(Path dir, int depth, List<Path> problems, Map<SolutionFolder.Run, Integer> leftOut) {
        String name = fileName(dir);
        if (PROBLEM_DIR.matcher(name).matches()) {
            problems.add(dir);
            return;
        }
        Optional<SolutionFolder> solution = SolutionFolder.parse(name);
        if (solution.isPresent()) {
            if (!options.runs().contains(solution.get().run())) {
                leftOut.merge(solution.get().run(), 1, Integer::sum);
                return;
            }
            for (Path child : subdirectories(dir)) {
                if (!PROBLEM_DIR.matcher(fileName(child)).matches()) {
                    throw new TraceFormatException(child, "unexpected folder in a solution folder; expected"
                            + " problem_<id>");
                }
                problems.add(child);
            }
            return;
        }
        if (name.equals(STEP_ATTRIBUTION) && depth > 0) {
            warnings.add(dir + ": left out, a step-attribution tree holds no chains of thought (--step-attribution "
                    + dir + " reads its step_importance.json and summary.json)");
            return;
        }
        if (depth < MAX_DEPTH) {
            for (Path child : subdirectories(dir)) {
                if (!fileName(child).startsWith(".")) {
                    collect(child, depth + 1, problems, leftOut);
                }
            }
        }
    }

    /** One problem folder; its parent must be a solution folder, inside a model (or sampling) folder. */
    private Trace readFolder(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Matcher m = PROBLEM_DIR.matcher(fileName(abs));
        if (!m.matches()) {
            throw new TraceFormatException(folder, "trace folder name must be problem_<id>");
        }
        Path solutionDir = abs.getParent();
        SolutionFolder solution = solutionDir == null ? null : SolutionFolder.parse(fileName(solutionDir)).orElse(null);
        if (solution == null || solutionDir.getParent() == null) {
            throw new TraceFormatException(folder, "trace folder must sit in a <correct|incorrect>_base_solution"
                    + " folder inside a model folder");
        }
        Path above = solutionDir.getParent();
        Optional<SamplingFolder> sampling = SamplingFolder.parse(fileName(above));
        Path modelDir = sampling.isPresent() ? above.getParent() : above;
        if (modelDir == null) {
            throw new TraceFormatException(folder, "the sampling folder " + above + " must sit in a model folder");
        }
        DataLayout layout = sampling.isPresent() ? DataLayout.MATH_ROLLOUTS : DataLayout.WEB;
        String model = fileName(modelDir);
        int problemId = Integer.parseInt(m.group(1));
        // As the folders are laid out, so a warning names the folder even with several sampling folders.
        String where = model + sampling.map(f -> "/" + f.name()).orElse("") + "/" + solution.dirName() + "/problem_"
                + problemId;

        Problem problem = readProblem(folder.resolve("problem.json"));
        BaseSolution base = readBaseSolution(folder.resolve("base_solution.json"));
        Chunks chunks = layout == DataLayout.WEB ? readLabeled(folder.resolve("chunks_labeled.json"))
                : rolloutChunks(folder, where);
        Path analysisDir = folder;
        Optional<Path> attribution = Optional.empty();
        if (!Files.exists(folder.resolve("step_importance.json")) && options.stepAttribution().isPresent()) {
            Path candidate = options.stepAttribution().get().resolve(model).resolve(solution.dirName())
                    .resolve("problem_" + problemId);
            if (Files.isDirectory(candidate)) {
                analysisDir = candidate;
                attribution = Optional.of(candidate);
            } else {
                warnings.add(where + ": the step-attribution tree has no " + candidate + ", so no step_importance.json");
            }
        }
        int n = chunks.texts().size();
        Optional<double[][]> importance = readOptionalMatrix(analysisDir.resolve("step_importance.json"), n, 0.0);
        Path summaryFile = analysisDir.resolve("summary.json");
        Optional<Summary> summary = Files.exists(summaryFile) ? Optional.of(readSummary(summaryFile)) : Optional.empty();
        Optional<double[][]> supp = readOptionalMatrix(folder.resolve("step_importance_supp.json"), n, Double.NaN);
        Optional<ResampleCounts> resamples = options.countResamples() ? countResamples(folder, n, where)
                : Optional.empty();
        PublishedFolder source = new PublishedFolder(layout, abs, model, sampling, solution, problemId, problem, base,
                resamples, attribution);
        return new Trace(source.traceId(), source, TraceText.ofSolution(base.prompt(), base.solution()),
                chunks.texts(), chunks.labels(), chunks.importance(), importance, summary, supp);
    }

    // ---- the sentence list ----

    /** The chunk texts and, when the file has them, their labels and importance. */
    private record Chunks(List<String> texts, Optional<List<ChunkLabel>> labels,
                          Optional<List<ChunkImportance>> importance) {
    }

    /** chunks.json is the sentence list; chunks_labeled.json, when present, labels the same chunks. */
    private Chunks rolloutChunks(Path folder, String where) {
        Path chunksFile = folder.resolve("chunks.json");
        if (!Files.exists(chunksFile)) {
            throw new TraceFormatException(chunksFile, "required file is missing: a problem folder of the"
                    + " math-rollouts layout gives its sentence list in chunks.json");
        }
        JsonFields.Source at = JsonFields.Source.of(chunksFile);
        JsonNode json = JsonFields.requireObject(at, JsonFields.readFile(chunksFile), "chunks.json");
        List<String> chunks = JsonFields.stringList(at, json, "chunks", "");
        if (chunks.isEmpty()) {
            throw at.error("field 'chunks' is empty: the chain of thought has no sentences");
        }
        Path labeledFile = folder.resolve("chunks_labeled.json");
        if (!Files.exists(labeledFile)) {
            warnings.add(where + ": no chunks_labeled.json, so no sentence categories and no black-box importance");
            return new Chunks(chunks, Optional.empty(), Optional.empty());
        }
        Chunks labeled = readLabeled(labeledFile);
        if (labeled.texts().size() != chunks.size()) {
            throw new TraceFormatException(labeledFile, labeled.texts().size() + " chunks, but chunks.json has "
                    + chunks.size() + ": the labels cannot be matched to the sentences");
        }
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (!squash(chunks.get(i)).equals(squash(labeled.texts().get(i)))) {
                differing.add(i);
            }
        }
        if (!differing.isEmpty()) {
            warnings.add(where + ": " + differing.size() + " chunk(s) of chunks_labeled.json differ from chunks.json"
                    + " (first: chunk " + differing.get(0) + "); the labelled texts are analysed");
        }
        return labeled;
    }

    private static String squash(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private static Chunks readLabeled(Path file) {
        JsonFields.Source at = JsonFields.Source.of(file);
        JsonNode arr = JsonFields.readFile(file);
        if (!arr.isArray() || arr.isEmpty()) {
            throw at.error("expected a non-empty JSON array of chunks");
        }
        List<String> texts = new ArrayList<>(arr.size());
        List<ChunkLabel> labels = new ArrayList<>(arr.size());
        List<ChunkImportance> importance = new ArrayList<>(arr.size());
        boolean anyImportance = false;
        for (int i = 0; i < arr.size(); i++) {
            String where = "chunk " + i + ": ";
            JsonNode c = JsonFields.requireObject(at, arr.get(i), "chunk " + i);
            int idx = JsonFields.integer(at, c, "chunk_idx", where);
            if (idx != i) {
                throw at.error(where + "chunk_idx is " + idx + " but must equal its list position");
            }
            texts.add(JsonFields.text(at, c, "chunk", where));
            labels.add(new ChunkLabel(JsonFields.stringList(at, c, "function_tags", where),
                    JsonFields.indexList(at, c, "depends_on", where), JsonFields.optionalText(at, c, "summary", where)));
            double[] v = new double[ChunkImportance.FIELDS.size()];
            for (int f = 0; f < v.length; f++) {
                v[f] = JsonFields.number(at, c, ChunkImportance.FIELDS.get(f), where);
                anyImportance |= !Double.isNaN(v[f]);
            }
            importance.add(ChunkImportance.of(v));
        }
        // A labelling without resampling has no importance at all: absent, not a column of NaN pretending to be one.
        return new Chunks(texts, Optional.of(labels), anyImportance ? Optional.of(importance) : Optional.empty());
    }

    // ---- the other files ----

    private static Problem readProblem(Path file) {
        JsonFields.Source at = JsonFields.Source.of(file);
        JsonNode n = JsonFields.requireObject(at, JsonFields.readFile(file), "problem.json");
        return new Problem(JsonFields.text(at, n, "problem", ""), JsonFields.text(at, n, "level", ""),
                JsonFields.text(at, n, "type", ""), JsonFields.text(at, n, "gt_solution", ""),
                JsonFields.text(at, n, "gt_answer", ""), JsonFields.optionalText(at, n, "nickname", ""));
    }

    private static BaseSolution readBaseSolution(Path file) {
        JsonFields.Source at = JsonFields.Source.of(file);
        JsonNode n = JsonFields.requireObject(at, JsonFields.readFile(file), "base_solution.json");
        BaseSolution base = new BaseSolution(JsonFields.text(at, n, "prompt", ""), JsonFields.text(at, n, "solution", ""),
                JsonFields.text(at, n, "full_cot", ""), JsonFields.text(at, n, "answer", ""),
                JsonFields.bool(at, n, "is_correct", ""));
        // The analyses place sentences by the prompt's length in full_cot: the two must agree.
        if (!base.fullCot().equals(base.prompt() + base.solution())) {
            throw at.error("full_cot is not prompt + solution, so the chain of thought cannot be placed in the text");
        }
        return base;
    }

    private static Summary readSummary(Path file) {
        JsonFields.Source at = JsonFields.Source.of(file);
        JsonNode n = JsonFields.requireObject(at, JsonFields.readFile(file), "summary.json");
        return new Summary(JsonFields.integer(at, n, "problem_idx", ""), JsonFields.integer(at, n, "num_chunks", ""),
                JsonFields.requiredNumber(at, n, "avg_importance", ""),
                JsonFields.requiredNumber(at, n, "max_importance", ""),
                JsonFields.requiredNumber(at, n, "min_importance", ""),
                summarySteps(at, n, "top_influential_steps", "avg_outgoing_importance"),
                summarySteps(at, n, "top_dependent_steps", "avg_incoming_importance"));
    }

    private static List<SummaryStep> summarySteps(JsonFields.Source at, JsonNode n, String field, String valueField) {
        JsonNode arr = n.get(field);
        if (arr == null || !arr.isArray()) {
            throw at.error("field '" + field + "' must be an array");
        }
        List<SummaryStep> steps = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String where = field + "[" + i + "]: ";
            JsonNode s = JsonFields.requireObject(at, arr.get(i), field + "[" + i + "]");
            JsonNode stepText = s.get("step_text");
            if (stepText == null || !stepText.isObject()) {
                throw at.error(where + "field 'step_text' must be an object");
            }
            steps.add(new SummaryStep(JsonFields.integer(at, s, "step_idx", where),
                    JsonFields.text(at, stepText, "chunk", where), JsonFields.requiredNumber(at, s, valueField, where)));
        }
        return List.copyOf(steps);
    }

    /** Reads a source→target matrix file; {@code fill} is the value of cells the file does not list. */
    private static Optional<double[][]> readOptionalMatrix(Path file, int chunks, double fill) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonFields.Source at = JsonFields.Source.of(file);
        JsonNode arr = JsonFields.readFile(file);
        if (!arr.isArray()) {
            throw at.error("expected a JSON array of sources");
        }
        int n = arr.size();
        if (n != chunks) {
            throw at.error(n + " sources but the trace has " + chunks + " chunks");
        }
        double[][] mat = new double[n][n];
        for (double[] row : mat) {
            Arrays.fill(row, fill);
        }
        for (int s = 0; s < n; s++) {
            String where = "source " + s + ": ";
            JsonNode src = JsonFields.requireObject(at, arr.get(s), "source " + s);
            int i = JsonFields.integer(at, src, "source_chunk_idx", where);
            JsonNode impacts = src.get("target_impacts");
            if (i < 0 || i >= n || impacts == null || !impacts.isArray()) {
                throw at.error(where + "needs source_chunk_idx in [0," + n + ") and a target_impacts array");
            }
            for (JsonNode t : impacts) {
                int j = JsonFields.integer(at, t, "target_chunk_idx", where);
                JsonNode score = t.get("importance_score");
                if (j <= i || j >= n || score == null || !score.isNumber()) {
                    throw at.error(where + "target " + j + " must lie in (" + i + "," + n
                            + ") and have a numeric importance_score");
                }
                mat[i][j] = score.doubleValue();
            }
        }
        return Optional.of(mat);
    }

    // ---- the resampled rollouts ----

    /**
     * Counts every {@code chunk_<i>/solutions.json} record by streaming it (the rollout texts are skipped, not
     * held), and warns about the records the authors' filter drops: an {@code error} field, or no answer.
     */
    private Optional<ResampleCounts> countResamples(Path folder, int chunks, String where) {
        List<Path> files = new ArrayList<>();
        for (Path dir : subdirectories(folder)) {
            Matcher m = CHUNK_DIR.matcher(fileName(dir));
            if (m.matches() && Files.isRegularFile(dir.resolve("solutions.json"))) {
                if (Integer.parseInt(m.group(1)) >= chunks) {
                    warnings.add(where + ": " + fileName(dir) + " has rollouts, but the trace has only " + chunks
                            + " chunks");
                }
                files.add(dir.resolve("solutions.json"));
            }
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        long solutions = 0;
        long withError = 0;
        long withoutAnswer = 0;
        int unreadable = 0;
        for (Path file : files) {
            long[] c = countFile(file);
            if (c == null) {
                unreadable++;
                warnings.add(file + ": not a JSON array of rollout records, not counted");
                continue;
            }
            solutions += c[0];
            withError += c[1];
            withoutAnswer += c[2];
        }
        ResampleCounts counts = new ResampleCounts(files.size(), solutions, withError, withoutAnswer, unreadable);
        if (counts.skipped() > 0) {
            warnings.add(String.format(Locale.ROOT, "%s: %d of %d resampled solutions skipped (%d with an 'error'"
                    + " field, %d without an 'answer')", where, counts.skipped(), solutions, withError, withoutAnswer));
        }
        return Optional.of(counts);
    }

    /** {records, with error, without answer}, or null when the file is not an array of objects. */
    private static long[] countFile(Path file) {
        long[] c = new long[3];
        try (JsonParser p = STREAMS.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                boolean error = false;
                boolean answer = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("error")) {
                        error = value != JsonToken.VALUE_NULL;
                    } else if (field.equals("answer")) {
                        answer = value == JsonToken.VALUE_STRING ? !p.getText().isBlank()
                                : value.isNumeric();
                    }
                    p.skipChildren();
                }
                c[0]++;
                if (error) {
                    c[1]++;
                } else if (!answer) {
                    c[2]++;
                }
            }
            return t == JsonToken.END_ARRAY ? c : null;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- folders ----

    private static List<Path> subdirectories(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new TraceFormatException(dir, "cannot list folder: " + e.getMessage(), e);
        }
    }

    static String fileName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? "" : f.toString();
    }
}
