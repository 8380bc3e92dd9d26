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

    /**
     * Each cell's placebo mean from {@code <trace id>/suppression_vs_placebo.csv} (docs/algorithms.md §12.9), NaN where
     * the run compared none; empty when the run had no placebos.
     */
    public Optional<double[][]> placeboMeans(String traceId, int sentences) {
        Path file = dir.resolve(traceId).resolve(SuppressionTables.VS_PLACEBO_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        double[][] means = new double[sentences][sentences];
        for (double[] row : means) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).equals(String.join(",", SuppressionTables.VS_PLACEBO_COLUMNS))) {
                throw PipelineException.badInput(file + " does not start with the header "
                        + String.join(",", SuppressionTables.VS_PLACEBO_COLUMNS), null);
            }
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                int i = Integer.parseInt(cells[0]);
                int j = Integer.parseInt(cells[1]);
                if (cells.length != SuppressionTables.VS_PLACEBO_COLUMNS.size() || j >= i || i >= sentences) {
                    throw PipelineException.badInput(file + ": bad row " + line + " for " + sentences + " sentences",
                            null);
                }
                means[i][j] = Double.parseDouble(cells[3]);
            }
        } catch (IOException | NumberFormatException e) {
            throw PipelineException.badInput("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(means);
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
