package io.thoughtanchors.report;

import java.awt.Color;

/** Colours shared by the static figures. */
final class FigurePalette {

    /** The receiver head or heads a figure is about. */
    static final Color RECEIVER = new Color(0xD62728);
    /** The one series of a single-series chart. */
    static final Color MAIN = new Color(0x1F77B4);
    /** Series drawn for context only. */
    static final Color MUTED = new Color(0xA8A8A8);
    /** Reference lines (y = x, zero). */
    static final Color REFERENCE = new Color(0x555555);

    /** Tableau 10: distinguishable categorical hues. */
    private static final int[] CATEGORICAL = {0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1,
            0xFF9DA7, 0x9C755F, 0xBAB0AC};
    /** Tableau 10 without its red, so that these never look like {@link #RECEIVER}. */
    private static final int[] NOT_RED = {0x4E79A7, 0xF28E2B, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1, 0x9C755F,
            0xBAB0AC};
    private static final int[] VIRIDIS = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779,
            0x6DCD59, 0xB4DE2C, 0xFDE725};
    /** ColorBrewer Reds from pure white, stopping before its near-brown end. */
    private static final int[] WHITE_TO_RED = {0xFFFFFF, 0xFEE0D2, 0xFCBBA1, 0xFC9272, 0xFB6A4A, 0xEF3B2C, 0xCB181D,
            0xA50F15};

    private FigurePalette() {
    }

    static Color category(int index) {
        return new Color(CATEGORICAL[index % CATEGORICAL.length]);
    }

    static int otherHeadColours() {
        return NOT_RED.length;
    }

    static Color otherHead(int index) {
        return new Color(NOT_RED[index % NOT_RED.length]);
    }

    /** Sequential and perceptually uniform; low values stay visible against the white of NaN cells. */
    static Color[] viridis(int size) {
        return interpolate(size, VIRIDIS);
    }

    static Color[] whiteToRed(int size) {
        return interpolate(size, WHITE_TO_RED);
    }

    static Color translucent(Color color, int alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha);
    }

    private static Color[] interpolate(int size, int[] stops) {
        Color[] colours = new Color[size];
        for (int k = 0; k < size; k++) {
            double position = (double) k / (size - 1) * (stops.length - 1);
            int from = Math.min((int) position, stops.length - 2);
            double t = position - from;
            colours[k] = new Color(mix(stops[from] >> 16, stops[from + 1] >> 16, t),
                    mix(stops[from] >> 8, stops[from + 1] >> 8, t), mix(stops[from], stops[from + 1], t));
        }
        return colours;
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
    }
}
