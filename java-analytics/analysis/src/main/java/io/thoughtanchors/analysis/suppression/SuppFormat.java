package io.thoughtanchors.analysis.suppression;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The published {@code step_importance_supp.json} format (docs/algorithms.md §1.2, §12.6), as a String (this module does no
 * I/O) or as plain records:
 * {@code [{source_chunk_idx, source_chunk_text, target_impacts: [{target_chunk_idx, importance_score}]}]} with one
 * entry per sentence {@code i} and {@code target_impacts[j − i − 1].importance_score = Ẽ[j][i]} for every
 * {@code j > i}, where {@code Ẽ} is the row-normalised matrix (row = receiving {@code j}, column = suppressed
 * {@code i}). The file is thus the transpose of {@code Ẽ} in source→target form.
 *
 * <p>Matrices passed in and returned here are in receiving-row orientation ({@code Ẽ[receiving][suppressed]});
 * cells the format cannot hold ({@code j ≤ i}) are NaN on import and ignored on export. NaN values are written as
 * the bare token {@code NaN}, as Python's {@code json.dump} does, and accepted on import (the published files
 * contain none; note that {@code TraceReader}'s strict parser would reject them).
 */
public final class SuppFormat {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private SuppFormat() {
    }

    /** One {@code target_impacts} element. */
    public record TargetImpact(int targetChunkIdx, double importanceScore) {
    }

    /** One source (suppressed) sentence. */
    public record SourceEntry(int sourceChunkIdx, String sourceChunkText, List<TargetImpact> targetImpacts) {
        public SourceEntry {
            targetImpacts = List.copyOf(targetImpacts);
        }
    }

    /** Entries for a normalised {@code n×n} matrix and the {@code n} sentence texts. */
    public static List<SourceEntry> toEntries(double[][] normalised, List<String> chunkTexts) {
        int n = normalised.length;
        if (chunkTexts.size() != n) {
            throw new IllegalArgumentException(n + " sentences in the matrix but " + chunkTexts.size() + " texts");
        }
        List<SourceEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<TargetImpact> impacts = new ArrayList<>(n - i - 1);
            for (int j = i + 1; j < n; j++) {
                if (normalised[j].length != n) {
                    throw new IllegalArgumentException("row " + j + " has " + normalised[j].length + " columns, expected " + n);
                }
                impacts.add(new TargetImpact(j, normalised[j][i]));
            }
            out.add(new SourceEntry(i, chunkTexts.get(i), impacts));
        }
        return out;
    }

    /** {@code Ẽ[receiving][suppressed]} from entries (validated: sources 0..n−1 in order, targets i+1..n−1 in order). */
    public static double[][] fromEntries(List<SourceEntry> entries) {
        int n = entries.size();
        double[][] e = new double[n][n];
        for (double[] row : e) {
            Arrays.fill(row, Double.NaN);
        }
        for (int s = 0; s < n; s++) {
            SourceEntry src = entries.get(s);
            int i = src.sourceChunkIdx();
            if (i != s) {
                throw new IllegalArgumentException("entry " + s + " has source_chunk_idx " + i);
            }
            List<TargetImpact> impacts = src.targetImpacts();
            if (impacts.size() != n - i - 1) {
                throw new IllegalArgumentException("source " + i + " has " + impacts.size() + " target impacts, expected "
                        + (n - i - 1));
            }
            for (int k = 0; k < impacts.size(); k++) {
                TargetImpact t = impacts.get(k);
                if (t.targetChunkIdx() != i + 1 + k) {
                    throw new IllegalArgumentException("source " + i + ": target_impacts[" + k + "] has target_chunk_idx "
                            + t.targetChunkIdx() + ", expected " + (i + 1 + k));
                }
                e[t.targetChunkIdx()][i] = t.importanceScore();
            }
        }
        return e;
    }

    /** JSON text of {@link #toEntries}. */
    public static String toJson(double[][] normalised, List<String> chunkTexts) {
        return write(toEntries(normalised, chunkTexts));
    }

    /** JSON text of entries, fields in the published order. */
    public static String write(List<SourceEntry> entries) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
            g.writeStartArray();
            for (SourceEntry e : entries) {
                g.writeStartObject();
                g.writeNumberField("source_chunk_idx", e.sourceChunkIdx());
                g.writeStringField("source_chunk_text", e.sourceChunkText());
                g.writeArrayFieldStart("target_impacts");
                for (TargetImpact t : e.targetImpacts()) {
                    g.writeStartObject();
                    g.writeNumberField("target_chunk_idx", t.targetChunkIdx());
                    g.writeNumberField("importance_score", t.importanceScore());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    /** Parses the JSON text into entries; malformed content raises {@link IllegalArgumentException}. */
    public static List<SourceEntry> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("malformed step_importance_supp JSON: " + ex.getOriginalMessage(), ex);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("step_importance_supp JSON must be an array of sources");
        }
        List<SourceEntry> out = new ArrayList<>(root.size());
        for (int s = 0; s < root.size(); s++) {
            JsonNode src = root.get(s);
            JsonNode impacts = src == null ? null : src.get("target_impacts");
            if (src == null || !src.isObject() || impacts == null || !impacts.isArray()) {
                throw new IllegalArgumentException("source " + s + " must be an object with a target_impacts array");
            }
            JsonNode text = src.get("source_chunk_text");
            List<TargetImpact> list = new ArrayList<>(impacts.size());
            for (JsonNode t : impacts) {
                JsonNode score = t.get("importance_score");
                if (score == null || !score.isNumber()) {
                    throw new IllegalArgumentException("source " + s + ": importance_score must be a number");
                }
                list.add(new TargetImpact(intField(t, "target_chunk_idx", s), score.doubleValue()));
            }
            out.add(new SourceEntry(intField(src, "source_chunk_idx", s), text == null ? "" : text.asText(), list));
        }
        return out;
    }

    /** {@code Ẽ[receiving][suppressed]} from the JSON text. */
    public static double[][] fromJson(String json) {
        return fromEntries(parse(json));
    }

    /** Transposes a source→target matrix (e.g. {@code Trace.stepImportanceSupp()}) into {@code Ẽ[receiving][suppressed]}. */
    public static double[][] fromSourceTarget(double[][] sourceTarget) {
        return transpose(sourceTarget);
    }

    /** Transposes {@code Ẽ[receiving][suppressed]} into source→target form, keeping only {@code target > source}. */
    public static double[][] toSourceTarget(double[][] normalised) {
        double[][] t = transpose(normalised);
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j <= i && j < t[i].length; j++) {
                t[i][j] = Double.NaN;
            }
        }
        return t;
    }

    private static double[][] transpose(double[][] m) {
        int n = m.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (m[i].length != n) {
                throw new IllegalArgumentException("matrix must be square: row " + i + " has " + m[i].length + " columns");
            }
            for (int j = 0; j < n; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static int intField(JsonNode n, String field, int source) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("source " + source + ": " + field + " must be an integer");
        }
        return v.intValue();
    }
}
