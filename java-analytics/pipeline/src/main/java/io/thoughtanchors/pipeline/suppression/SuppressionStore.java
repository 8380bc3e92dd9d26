package io.thoughtanchors.pipeline.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.data.AtomicFiles;
import io.thoughtanchors.pipeline.cache.Checksums;
import io.thoughtanchors.pipeline.cache.DamagedEntryException;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.Nucleus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One trace's suppression results under the cache root, at {@link SuppressionKey#relativePath()}:
 * <pre>
 *   meta.json        format, the key, the model's Describe answer, token ranges, input token ids
 *   baseline.nucleus the unsuppressed pass ({@link NucleusFile})
 *   kl-NNNN.bin      per suppressed sentence j, κ at every position under both KL modes ({@link PositionKl})
 *   placebo-SSSSS-EEEEE.bin  per placebo span [S, E) (docs/algorithms.md §12.9), the same, tagged with the sentence
 *                    j it was drawn for; κ depends on the span alone, so a span two sentences (or rules) share is one file
 * </pre>
 * Every file is written atomically as soon as its pass finishes, so an interrupted run keeps what it finished
 * and a rerun computes only what is missing. Every file carries a checksum of its content ({@link Checksums}); a
 * damaged one is reported in one line, deleted and recomputed, as is one written for other settings.
 */
public final class SuppressionStore {

    static final String FORMAT = "ta-suppression/2";

    private final Path dir;
    private final SuppressionKey key;
    private final Consumer<String> warnings;

    public SuppressionStore(Path cacheRoot, SuppressionKey key, Consumer<String> warnings) {
        this.dir = cacheRoot.resolve(key.relativePath());
        this.key = key;
        this.warnings = warnings;
    }

    public Path dir() {
        return dir;
    }

    Optional<SuppressionInput> readInput() {
        Path file = dir.resolve("meta.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String writtenFor;
        try {
            JsonNode meta = Checksums.openJson(file);
            writtenFor = otherSettings(meta);
            if (writtenFor == null) {
                TokenRanges ranges = Json.MAPPER.treeToValue(meta.get("token_ranges"), TokenRanges.class);
                int[] ids = Json.MAPPER.treeToValue(meta.get("token_ids"), int[].class);
                return Optional.of(new SuppressionInput(ranges, ids));
            }
        } catch (IOException | RuntimeException e) {
            discard(file, e);
            return Optional.empty();
        }
        discardTrace(file + " " + writtenFor);
        return Optional.empty();
    }

    /** What else a readable meta.json was written for, or null when it describes this key. */
    private String otherSettings(JsonNode meta) throws IOException {
        // compared as parsed text: the key's floats would otherwise be FloatNodes against parsed DoubleNodes
        if (!FORMAT.equals(meta.path("format").asText())
                || !Json.MAPPER.readTree(Json.write(key.toJson())).equals(meta.get("key"))) {
            return "describes other settings";
        }
        // a store written before the backend was keyed names it only in the model's Describe answer
        String storedBackend = Json.MAPPER.treeToValue(meta.get("model"), ModelInfo.class).backend();
        return storedBackend.equals(key.backend()) ? null
                : "holds backend " + storedBackend + "'s passes, this worker runs backend " + key.backend();
    }

    void writeInput(SuppressionInput input, ModelInfo model) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("key", key.toJson());
        meta.put("model", model);
        meta.put("token_ranges", input.ranges());
        meta.put("token_ids", input.tokenIds());
        write(dir.resolve("meta.json"), () -> AtomicFiles.writeString(dir.resolve("meta.json"),
                Checksums.sealJson(meta)));
    }

    /** The stored baseline, if it covers positions {@code [0, numTokens)}. */
    Optional<Nucleus> readBaseline(int numTokens) {
        Path file = baselineFile();
        return read(file, () -> {
            Nucleus n = NucleusFile.read(file);
            if (n.firstPosition() != 0 || n.endPosition() != numTokens) {
                throw new IOException("holds " + n + ", expected positions 0.." + (numTokens - 1));
            }
            return n;
        });
    }

    /** @return the file written */
    Path writeBaseline(Nucleus baseline) {
        write(baselineFile(), () -> NucleusFile.write(baselineFile(), baseline));
        return baselineFile();
    }

    Optional<PositionKl> readColumn(int j, int numTokens) {
        Path file = columnFile(j);
        return read(file, () -> {
            PositionKl kl = PositionKl.read(file);
            if (kl.column() != j || kl.positions() != numTokens) {
                throw new IOException("holds column " + kl.column() + " over " + kl.positions()
                        + " positions, expected column " + j + " over " + numTokens);
            }
            return kl;
        });
    }

    /** @return the file written */
    Path writeColumn(PositionKl kl) {
        write(columnFile(kl.column()), () -> kl.write(columnFile(kl.column())));
        return columnFile(kl.column());
    }

    /** The stored pass of {@code span}, as the placebo of {@code span.sentence()} whichever sentence it was drawn for. */
    Optional<PositionKl> readPlacebo(PlaceboSpans.Span span, int numTokens) {
        Path file = placeboFile(span);
        return read(file, () -> {
            PositionKl kl = PositionKl.read(file);
            if (kl.positions() != numTokens) {
                throw new IOException("holds " + kl.positions() + " positions, expected the placebo of sentence "
                        + span.sentence() + " over " + numTokens);
            }
            return kl.column() == span.sentence() ? kl
                    : new PositionKl(span.sentence(), kl.referenceSparse(), kl.sparseWithTail());
        });
    }

    /** @return the file written */
    Path writePlacebo(PlaceboSpans.Span span, PositionKl kl) {
        write(placeboFile(span), () -> kl.write(placeboFile(span)));
        return placeboFile(span);
    }

    private Path placeboFile(PlaceboSpans.Span span) {
        return dir.resolve(String.format(Locale.ROOT, "placebo-%05d-%05d.bin", span.start(), span.end()));
    }

    private Path baselineFile() {
        return dir.resolve("baseline.nucleus");
    }

    private Path columnFile(int j) {
        return dir.resolve(String.format(Locale.ROOT, "kl-%04d.bin", j));
    }

    private interface Reader<T> {
        T read() throws IOException;
    }

    private interface Action {
        void run() throws IOException;
    }

    private <T> Optional<T> read(Path file, Reader<T> reader) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(reader.read());
        } catch (IOException | RuntimeException e) {
            discard(file, e);
            return Optional.empty();
        }
    }

    /**
     * A store written for something else: every file of it goes (its baseline and columns belong to those other
     * settings and must not meet this run's passes), with one warning line.
     */
    private void discardTrace(String why) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw PipelineException.output("cannot clear the store " + dir + ": " + e, e);
        }
        warnings.accept(why + "; discarded, recomputing this trace");
    }

    /** One warning line, and the file is gone, so that nothing damaged is ever read twice. */
    private void discard(Path file, Exception why) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw PipelineException.output("cannot delete the damaged store file " + file + ": " + e, e);
        }
        String reason = why instanceof DamagedEntryException ? why.getMessage()
                : "stored " + file + " is unreadable (" + why.getMessage() + ")";
        warnings.accept(reason + "; discarded, recomputing it");
    }

    private static void write(Path file, Action action) {
        try {
            action.run();
        } catch (IOException e) {
            throw PipelineException.output("cannot write " + file + ": " + e, e);
        }
    }
}
