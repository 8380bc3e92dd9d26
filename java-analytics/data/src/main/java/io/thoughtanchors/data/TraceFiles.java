package io.thoughtanchors.data;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Files of the project's own trace format, {@value TraceDocument#FORMAT}: {@code .json} (one trace) and
 * {@code .jsonl} (one trace per line), read and written; and a plain-text chain of thought ({@code .txt}) read as a
 * trace with just that. Text is UTF-8 (a byte-order mark is accepted). Writes are atomic: a temporary file beside
 * the target, renamed over it.
 */
public final class TraceFiles {

    /** One trace as read: where it was and the id it goes by (its own, else the file's name and line). */
    public record Entry(Path file, OptionalInt line, String id, TraceDocument document) {
    }

    /** The file types this class reads, by extension. */
    public static Optional<DataLayout> layoutOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl")) {
            return Optional.of(DataLayout.TRACE_JSONL);
        }
        if (name.endsWith(".json")) {
            return Optional.of(DataLayout.TRACE_JSON);
        }
        if (name.endsWith(".txt")) {
            return Optional.of(DataLayout.TEXT);
        }
        return Optional.empty();
    }

    private TraceFiles() {
    }

    /**
     * The traces of a {@code .json}, {@code .jsonl} or {@code .txt} file.
     *
     * @param promptFile a text file holding the prompt of a {@code .txt} chain of thought (else the prompt is empty);
     *                   not allowed with the other types, whose traces carry their own prompt
     * @throws TraceFormatException naming the file, the line of a JSONL file and what is wrong
     */
    public static List<Entry> read(Path file, Optional<Path> promptFile) {
        DataLayout layout = layoutOf(file).orElseThrow(() -> new TraceFormatException(file,
                "not a trace file: expected a .txt chain of thought, a .json trace or a .jsonl file of traces"
                        + " (or a folder of the published layouts)"));
        if (layout != DataLayout.TEXT && promptFile.isPresent()) {
            throw new TraceFormatException(promptFile.get(), "a prompt file goes with a .txt chain of thought only;"
                    + " a trace in " + file + " gives its own 'prompt' (or 'problem')");
        }
        String id = TraceIds.fromFileName(file.getFileName().toString());
        List<Entry> entries = switch (layout) {
            case TEXT -> List.of(new Entry(file, OptionalInt.empty(), id, textTrace(file, promptFile)));
            case TRACE_JSON -> {
                TraceDocument doc = TraceDocument.parse(JsonFields.Source.of(file), JsonFields.readFile(file));
                yield List.of(new Entry(file, OptionalInt.empty(), doc.id().orElse(id), doc));
            }
            default -> jsonLines(file, id);
        };
        checkUniqueIds(entries);
        return entries;
    }

    private static TraceDocument textTrace(Path file, Optional<Path> promptFile) {
        String cot = TextFiles.readUtf8(file);
        if (cot.isBlank()) {
            throw new TraceFormatException(file, "the chain of thought is " + (cot.isEmpty() ? "empty"
                    : "only whitespace") + ": there is nothing to analyse");
        }
        TraceDocument doc = TraceDocument.of(cot);
        return promptFile.map(p -> doc.withPrompt(TextFiles.readUtf8(p))).orElse(doc.withPrompt(""));
    }

    private static List<Entry> jsonLines(Path file, String stem) {
        List<String> lines = TextFiles.readUtf8(file).lines().toList();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            int line = i + 1;
            JsonFields.Source at = JsonFields.Source.of(file, line);
            TraceDocument doc = TraceDocument.parse(at, JsonFields.parse(at, lines.get(i)));
            entries.add(new Entry(file, OptionalInt.of(line), doc.id().orElse(stem + "-" + line), doc));
        }
        if (entries.isEmpty()) {
            throw new TraceFormatException(file, "no trace: the file has no line holding a JSON object");
        }
        return entries;
    }

    private static void checkUniqueIds(List<Entry> entries) {
        Map<String, Entry> seen = new HashMap<>();
        for (Entry e : entries) {
            Entry first = seen.putIfAbsent(e.id(), e);
            if (first != null) {
                throw new TraceFormatException(e.file(), e.line().orElse(0), "trace id '" + e.id() + "' is also the"
                        + " id of line " + first.line().orElse(0) + "; ids must be unique", null);
            }
        }
    }

    /**
     * The entries as traces: sentences split from each chain of thought by {@code split}, and labels and importance
     * checked against them.
     */
    static List<Trace> traces(List<Entry> entries, DataLayout layout, SentenceSplit split, boolean storedLabels) {
        Map<String, Integer> problemNumbers = new HashMap<>();
        int[] problems = {0};
        List<Trace> traces = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            JsonFields.Source at = new JsonFields.Source(e.file(), e.line());
            TraceDocument doc = e.document();
            List<String> sentences = split.sentences(doc.cot());
            Optional<List<ChunkLabel>> labels = doc.labels().filter(l -> storedLabels).map(l -> labels(at, l, sentences));
            Optional<List<ChunkImportance>> importance = doc.importance().map(i -> {
                requireOnePerSentence(at, "importance", i.size(), sentences.size());
                return i.stream().map(TraceDocument.Importance::values).toList();
            });
            // Traces of one problem statement count as one problem; a trace without one is a problem of its own.
            int number = doc.problem().isPresent()
                    ? problemNumbers.computeIfAbsent(doc.problem().get().strip(), p -> ++problems[0]) : ++problems[0];
            traces.add(new Trace(e.id(), new TraceFile(layout, e.file(), e.line(), number, doc), doc.text(), sentences,
                    labels, importance, Optional.empty(), Optional.empty(), Optional.empty()));
        }
        return traces;
    }

    private static List<ChunkLabel> labels(JsonFields.Source at, List<TraceDocument.Label> labels,
                                           List<String> sentences) {
        requireOnePerSentence(at, "labels", labels.size(), sentences.size());
        List<ChunkLabel> out = new ArrayList<>(labels.size());
        for (TraceDocument.Label l : labels) {
            String sentence = sentences.get(l.sentenceIndex());
            if (!l.text().equals(sentence)) {
                throw at.error("labels[" + l.sentenceIndex() + "] is for \"" + snippet(l.text()) + "\" but sentence "
                        + l.sentenceIndex() + " of the chain of thought is \"" + snippet(sentence) + "\": the labels"
                        + " were made for another text (label the trace again)");
            }
            out.add(new ChunkLabel(l.functionTags(), l.dependsOn(), Optional.empty()));
        }
        return out;
    }

    private static void requireOnePerSentence(JsonFields.Source at, String field, int entries, int sentences) {
        if (entries != sentences) {
            throw at.error("field '" + field + "' has " + entries + " entries but the chain of thought splits into "
                    + sentences + " sentences; it needs one per sentence");
        }
    }

    private static String snippet(String s) {
        String line = s.strip().replaceAll("\\s+", " ");
        return line.length() <= 60 ? line : line.substring(0, 59) + "…";
    }

    /**
     * Writes traces atomically: a {@code .json} file holds exactly one (indented), a {@code .jsonl} file one per line.
     *
     * @throws IllegalArgumentException for another extension, or several documents for a {@code .json} file
     * @throws IOException              when the file cannot be written (it is then left as it was)
     */
    public static void write(Path file, List<TraceDocument> documents) throws IOException {
        DataLayout layout = layoutOf(file).filter(l -> l != DataLayout.TEXT).orElseThrow(() ->
                new IllegalArgumentException(file + ": traces are written to a .json or a .jsonl file"));
        if (layout == DataLayout.TRACE_JSON && documents.size() != 1) {
            throw new IllegalArgumentException(file + ": a .json file holds one trace, not " + documents.size()
                    + " (write a .jsonl file)");
        }
        StringBuilder text = new StringBuilder();
        try {
            for (TraceDocument doc : documents) {
                text.append(layout == DataLayout.TRACE_JSON
                        ? JsonFields.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc.toJson())
                        : JsonFields.MAPPER.writeValueAsString(doc.toJson())).append('\n');
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a trace document cannot be serialised", e);
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #write(Path, List)} of one trace. */
    public static void write(Path file, TraceDocument document) throws IOException {
        write(file, List.of(document));
    }
}
