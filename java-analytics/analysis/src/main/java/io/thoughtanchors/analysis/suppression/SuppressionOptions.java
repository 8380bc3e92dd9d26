package io.thoughtanchors.analysis.suppression;

import java.util.OptionalInt;

/**
 * Settings of the suppression KL matrix (docs/algorithms.md §12.1).
 *
 * @param klMode      per-position divergence (reference: {@link KlMode#REFERENCE_SPARSE})
 * @param temperature τ of the divergence (reference 0.6; independent of the compressor's own 0.6)
 * @param takeLog     {@code ℓ_t = ln(κ_t + 1e-9)} instead of {@code κ_t} (reference: true)
 * @param alignment   which positions a sentence averages (reference: {@link PredictionAlignment#AT_POSITIONS})
 * @param onlyFirst   if present, a sentence averages only its first {@code onlyFirst} positions (reference: absent)
 * @param tailFloor   tail-mass floor of {@link KlMode#SPARSE_WITH_TAIL} (default {@link SparseKl#DEFAULT_TAIL_FLOOR})
 */
public record SuppressionOptions(KlMode klMode, double temperature, boolean takeLog, PredictionAlignment alignment,
                                 OptionalInt onlyFirst, double tailFloor) {

    /** The reference settings: REFERENCE_SPARSE, τ = 0.6, log, AT_POSITIONS, all positions. */
    public static final SuppressionOptions REFERENCE = new SuppressionOptions(KlMode.REFERENCE_SPARSE,
            SparseKl.DEFAULT_TEMPERATURE, true, PredictionAlignment.AT_POSITIONS, OptionalInt.empty(),
            SparseKl.DEFAULT_TAIL_FLOOR);

    public SuppressionOptions {
        if (klMode == null || alignment == null || onlyFirst == null) {
            throw new IllegalArgumentException("klMode, alignment and onlyFirst must not be null");
        }
        if (onlyFirst.isPresent() && onlyFirst.getAsInt() < 1) {
            throw new IllegalArgumentException("onlyFirst must be >= 1, got " + onlyFirst.getAsInt());
        }
        new SparseKl(klMode, temperature, tailFloor); // validates temperature and floor
    }

    public SuppressionOptions withKlMode(KlMode mode) {
        return new SuppressionOptions(mode, temperature, takeLog, alignment, onlyFirst, tailFloor);
    }

    public SuppressionOptions withTemperature(double tau) {
        return new SuppressionOptions(klMode, tau, takeLog, alignment, onlyFirst, tailFloor);
    }

    public SuppressionOptions withTakeLog(boolean log) {
        return new SuppressionOptions(klMode, temperature, log, alignment, onlyFirst, tailFloor);
    }

    public SuppressionOptions withAlignment(PredictionAlignment a) {
        return new SuppressionOptions(klMode, temperature, takeLog, a, onlyFirst, tailFloor);
    }

    public SuppressionOptions withOnlyFirst(OptionalInt first) {
        return new SuppressionOptions(klMode, temperature, takeLog, alignment, first, tailFloor);
    }

    public SuppressionOptions withTailFloor(double floor) {
        return new SuppressionOptions(klMode, temperature, takeLog, alignment, onlyFirst, floor);
    }

    /** The divergence these options describe. */
    public SparseKl sparseKl() {
        return new SparseKl(klMode, temperature, tailFloor);
    }
}
