package io.thoughtanchors.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.cache.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The output folder of an earlier {@code ta suppression-matrix} run, read back: a trace's raw matrix E from
 * {@code <trace id>/suppression_matrix.csv} and the model from {@code run.json}.
 */
public final class SuppressionResults {

    public static final String MATRIX_FILE = "suppression_matrix.csv";

    private final Path dir;

    private SuppressionResults(Path dir) {
        this.dir = dir;
    }

    /** @throws CliFailure (bad input) when {@code dir} is not a folder with a run.json */
    public static SuppressionResults open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw PipelineException.badInput("--suppression " + abs + " is not a folder (give the --out folder of a"
                    + " ta suppression-matrix run)", null);
        }
        if (!Files.isRegularFile(abs.resolve(OutputFolder.RUN_JSON))) {
            throw PipelineException.badInput("--suppression " + abs + " has no run.json: it is not the output of"
                    + " ta suppression-matrix", null);
        }
        return new SuppressionResults(abs);
    }

    public Path dir() {
        return dir;
    }

    /** The model id the matrices were computed with. */
    public String modelId() {
        try {
            JsonNode run = Json.MAPPER.readTree(dir.resolve(OutputFolder.RUN_JSON).toFile());
            return run.path("model_id").asText("");
        } catch (IOException e) {
            throw PipelineException.badInput("cannot read " + dir.resolve(OutputFolder.RUN_JSON) + ": " + e.getMessage(), e);
        }
    }

    public boolean has(String traceId) {
        return Files.isRegularFile(file(traceId));
    }

    /** The raw matrix of a trace, or empty when this run has none for it. */
    public Optional<double[][]> matrix(String traceId) {
        if (!has(traceId)) {
            return Optional.empty();
        }
        Path file = file(traceId);
        try {
            return Optional.of(parse(Files.readAllLines(file), file));
        } catch (IOException e) {
            throw PipelineException.badInput("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file(String traceId) {
        return dir.resolve(traceId).resolve(MATRIX_FILE);
    }

    /** Header {@code receiving,0,…,n−1}, then per row its index and n numbers ("NaN" allowed). */
    public static double[][] parse(List<String> lines, Path file) {
        if (lines.isEmpty()) {
            throw PipelineException.badInput(file + " is empty", null);
        }
        int n = lines.get(0).split(",", -1).length - 1;
        List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        if (n < 1 || rows.size() != n) {
            throw PipelineException.badInput(file + " is not a square matrix: " + n + " columns, " + rows.size() + " rows",
                    null);
        }
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            String[] cells = rows.get(i).split(",", -1);
            if (cells.length != n + 1) {
                throw PipelineException.badInput(file + " row " + i + " has " + (cells.length - 1) + " values, not " + n,
                        null);
            }
            for (int j = 0; j < n; j++) {
                try {
                    e[i][j] = Double.parseDouble(cells[j + 1]);
                } catch (NumberFormatException x) {
                    throw PipelineException.badInput(file + " row " + i + " column " + j + ": not a number: " + cells[j + 1],
                            x);
                }
            }
        }
        return e;
    }
}
