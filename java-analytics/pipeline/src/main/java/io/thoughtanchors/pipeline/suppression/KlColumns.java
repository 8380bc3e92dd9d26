package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.KlMode;
import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.suppression.SuppressionMatrix;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.Nucleus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Between the passes and the matrix, both through {@link SuppressionMatrix}: per suppressed pass, the divergences
 * {@code κ_t} at every position under both KL modes ({@link #compute}, stored); and, from all of them, the matrix
 * {@code E} under chosen options ({@link #matrix}), column by column as {@link SuppressionMatrix#addColumn} builds it.
 */
public final class KlColumns {

    private final SuppressionMatrix referenceSparse;
    private final SuppressionMatrix sparseWithTail;

    KlColumns(Nucleus baseline, SuppressionInput input, double klTemperature) {
        SuppressionOptions kappa = SuppressionOptions.REFERENCE.withTemperature(klTemperature).withTakeLog(false);
        this.referenceSparse = matrix(baseline, input, kappa.withKlMode(KlMode.REFERENCE_SPARSE));
        this.sparseWithTail = matrix(baseline, input, kappa.withKlMode(KlMode.SPARSE_WITH_TAIL));
    }

    /**
     * κ of the pass with sentence {@code j} suppressed, under both modes (a mode may hold NaN where its divergence is
     * undefined; {@link #matrix} refuses that only if the mode is chosen). Synchronised: the matrices reuse scratch
     * buffers.
     *
     * @throws IllegalArgumentException if the pass does not cover the positions sentence j can change
     */
    synchronized PositionKl compute(int j, Nucleus suppressed) {
        return new PositionKl(j, referenceSparse.divergences(j, suppressed), sparseWithTail.divergences(j, suppressed));
    }

    /**
     * {@code E[i][j]} = mean of {@code ℓ_t} over sentence i's positions, {@code ℓ_t = ln(κ_t + 1e-9)} or {@code κ_t},
     * from the stored κ of {@code options}' KL mode.
     *
     * @param traceId for messages
     * @throws PipelineException (worker) naming the position and sentence if the chosen mode's κ is NaN somewhere
     *                           (a hard error, docs/algorithms.md §12.1: the worker's logits are not usable under this mode)
     */
    public static double[][] matrix(String traceId, Nucleus baseline, SuppressionInput input, PositionKl[] columns,
                                    SuppressionOptions options) {
        return matrix(traceId, baseline, input, columns, options, j -> "sentence " + j);
    }

    /** {@link #matrix}, naming the pass of column {@code j} in a NaN's message by {@code suppressed.apply(j)}. */
    private static double[][] matrix(String traceId, Nucleus baseline, SuppressionInput input, PositionKl[] columns,
                                     SuppressionOptions options, IntFunction<String> suppressed) {
        SuppressionMatrix m = matrix(baseline, input, options);
        for (PositionKl column : columns) {
            double[] kappa = column.of(options.klMode());
            for (int t = 0; t < kappa.length; t++) {
                if (Double.isNaN(kappa[t])) {
                    throw PipelineException.worker("trace " + traceId + ": the " + options.klMode() + " divergence"
                            + " is undefined (NaN) at position " + t + " with " + suppressed.apply(column.column())
                            + " suppressed; the worker's nuclei cannot be compared there (try the other --kl-mode)",
                            null);
                }
            }
            m.addColumn(column.column(), kappa);
        }
        return m.matrix();
    }

    /**
     * Each placebo span's cells (docs/algorithms.md §12.9): {@code result.get(s)[i]} is span s's value for receiving
     * sentence i, from its pass's κ exactly as {@link #matrix} builds {@code E[i][j]} (one matrix per draw, the span
     * in its sentence's column).
     */
    public static List<double[]> placeboCells(String traceId, Nucleus baseline, SuppressionInput input,
                                              List<PlaceboSpans.Span> spans, PositionKl[] placeboColumns,
                                              SuppressionOptions options) {
        List<double[]> cells = new ArrayList<>(Collections.nCopies(spans.size(), (double[]) null));
        int draws = spans.stream().mapToInt(s -> s.draw() + 1).max().orElse(0);
        for (int r = 0; r < draws; r++) {
            int draw = r;
            int[] ofDraw = IntStream.range(0, spans.size()).filter(s -> spans.get(s).draw() == draw).toArray();
            Map<Integer, PlaceboSpans.Span> bySentence = Arrays.stream(ofDraw).mapToObj(spans::get)
                    .collect(Collectors.toMap(PlaceboSpans.Span::sentence, span -> span));
            double[][] p = matrix(traceId, baseline, input,
                    Arrays.stream(ofDraw).mapToObj(s -> placeboColumns[s]).toArray(PositionKl[]::new), options,
                    j -> "the placebo span [" + bySentence.get(j).start() + ", " + bySentence.get(j).end()
                            + ") of sentence " + j);
            for (int s : ofDraw) {
                int j = spans.get(s).sentence();
                cells.set(s, Arrays.stream(p).mapToDouble(row -> row[j]).toArray());
            }
        }
        return cells;
    }

    private static SuppressionMatrix matrix(Nucleus baseline, SuppressionInput input, SuppressionOptions options) {
        return new SuppressionMatrix(baseline, input.ranges().start(), input.ranges().end(), input.numTokens(),
                options);
    }
}
