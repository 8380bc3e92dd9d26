package io.thoughtanchors.report;

import java.util.function.IntToDoubleFunction;
import smile.plot.swing.Axis;

/** Integer tick labels (sentence indices, layers, counts) at round steps, instead of Smile's decimal ticks. */
final class IndexTicks {

    private static final int MAX_LABELS = 12;

    private IndexTicks() {
    }

    /** Labels the integers of [first, last] that are multiples of a round step, each at {@code position}. */
    static void set(Axis axis, int first, int last, IntToDoubleFunction position) {
        int step = step(last - first + 1);
        int start = Math.floorDiv(first + step - 1, step) * step;
        int count = Math.max(0, (last - start) / step + 1);
        // Smile's Axis needs two labels at least: a lone label is given twice, at the same place.
        int size = Math.max(count, 2);
        String[] labels = new String[size];
        double[] positions = new double[size];
        for (int k = 0; k < size; k++) {
            int value = count == 0 ? first : start + Math.min(k, count - 1) * step;
            labels[k] = Integer.toString(value);
            positions[k] = position.applyAsDouble(value);
        }
        axis.setTicks(labels, positions);
    }

    private static int step(int span) {
        for (int scale = 1; ; scale *= 10) {
            for (int multiple : new int[]{1, 2, 5}) {
                if (span <= MAX_LABELS * multiple * scale) {
                    return multiple * scale;
                }
            }
        }
    }
}
