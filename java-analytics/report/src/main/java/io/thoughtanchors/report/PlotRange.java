package io.thoughtanchors.report;

/** A closed interval of finite values, used to choose axis bounds. */
record PlotRange(double low, double high) {

    /** The range of the finite values in {@code arrays}; [0, 1] when there are none. */
    static PlotRange of(double[]... arrays) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[] values : arrays) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
        }
        return low <= high ? new PlotRange(low, high) : new PlotRange(0, 1);
    }

    PlotRange including(double value) {
        return new PlotRange(Math.min(low, value), Math.max(high, value));
    }

    /**
     * Widened by {@code fraction} of its width on each side, so that markers do not sit on the frame; never across
     * zero, which would make Smile add a whole empty tick interval of the other sign.
     */
    PlotRange padded(double fraction) {
        double pad = high > low ? (high - low) * fraction : Math.max(Math.abs(low) * fraction, 0.5);
        double paddedLow = low >= 0 ? Math.max(0, low - pad) : low - pad;
        double paddedHigh = high <= 0 ? Math.min(0, high + pad) : high + pad;
        return new PlotRange(paddedLow, paddedHigh);
    }
}
