package io.thoughtanchors.report;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import smile.plot.swing.Canvas;
import smile.plot.swing.Graphics;
import smile.plot.swing.Plot;

/**
 * A sentence × sentence heatmap: row 0 at the top, NaN cells left blank, colours spread over a given range
 * and a labelled colour bar. Smile's Heatmap always spreads its colours over the 1%–99% quantiles and labels
 * only the two ends of its bar.
 */
final class MatrixPlot extends Plot {

    private static final double BAR_LEFT = 1.04;
    private static final double BAR_RIGHT = 1.08;
    private static final double TICK_END = 1.095;
    private static final double TICK_TEXT = 1.105;
    private static final double BAR_TITLE = 1.22;
    /** Interior ticks closer than this (fraction of the bar) to an end are dropped: their labels would touch. */
    private static final double MIN_TICK_GAP = 0.08;
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private final double[][] z;
    private final int rows;
    private final int columns;
    private final Color[] palette;
    private final double low;
    private final double high;
    private final boolean clippedLow;
    private final boolean clippedHigh;
    private final String colourTitle;

    /**
     * @param low         value of the first palette colour; smaller values get it too, and the bar says so
     * @param high        value of the last palette colour; larger values get it too, and the bar says so
     * @param colourTitle what the colour means, with its units
     */
    MatrixPlot(double[][] z, Color[] palette, double low, double high, String colourTitle) {
        this.z = z;
        this.rows = z.length;
        this.columns = rows == 0 ? 0 : z[0].length;
        this.palette = palette.clone();
        this.low = Double.isFinite(low) ? low : 0;
        this.high = Double.isFinite(high) && high > this.low ? high : this.low + 1;
        PlotRange values = PlotRange.of(z);
        this.clippedLow = values.low() < this.low;
        this.clippedHigh = values.high() > this.high;
        this.colourTitle = colourTitle;
    }

    @Override
    public double[] getLowerBound() {
        return new double[]{0, 0};
    }

    @Override
    public double[] getUpperBound() {
        return new double[]{Math.max(columns, 1), Math.max(rows, 1)};
    }

    /** A canvas of exactly the matrix, with sentence indices as ticks and row 0 at the top. */
    @Override
    public Canvas canvas() {
        Canvas canvas = new Canvas(getLowerBound(), getUpperBound(), false);
        canvas.add(this);
        canvas.getAxis(0).setGridVisible(false);
        canvas.getAxis(1).setGridVisible(false);
        IndexTicks.set(canvas.getAxis(0), 0, columns - 1, j -> j + 0.5);
        IndexTicks.set(canvas.getAxis(1), 0, rows - 1, i -> rows - i - 0.5);
        return canvas;
    }

    @Override
    public void paint(Graphics g) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                if (!Double.isNaN(z[i][j])) {
                    g.setColor(colourOf(z[i][j]));
                    g.fillRect(new double[]{j, rows - i}, new double[]{j + 1, rows - i - 1});
                }
            }
        }
        g.clearClip(); // the colour bar lies right of the plot area
        paintColourBar(g);
    }

    private Color colourOf(double value) {
        int k = (int) ((value - low) / (high - low) * palette.length);
        return palette[Math.max(0, Math.min(palette.length - 1, k))];
    }

    private void paintColourBar(Graphics g) {
        int n = palette.length;
        for (int k = 0; k < n; k++) {
            g.setColor(palette[k]);
            g.fillRectBaseRatio(new double[]{BAR_LEFT, (k + 1.0) / n}, new double[]{BAR_RIGHT, (double) k / n});
        }
        g.setColor(Color.BLACK);
        g.drawRectBaseRatio(new double[]{BAR_LEFT, 1}, new double[]{BAR_RIGHT, 0});
        Font saved = g.getFont();
        g.setFont(TICK_FONT);
        List<Double> values = tickValues();
        List<String> labels = tickLabels(values);
        for (int k = 0; k < values.size(); k++) {
            double ratio = (values.get(k) - low) / (high - low);
            g.drawLineBaseRatio(new double[]{BAR_RIGHT, ratio}, new double[]{TICK_END, ratio});
            g.drawTextBaseRatio(labels.get(k), new double[]{TICK_TEXT, ratio}, 0.0, 0.35);
        }
        g.setFont(TITLE_FONT);
        g.drawTextBaseRatio(colourTitle, new double[]{BAR_TITLE, 0.5}, 0.5, 0.5, -Math.PI / 2);
        g.setFont(saved);
    }

    /** Both ends of the range and the round values between them. */
    private List<Double> tickValues() {
        double step = roundStep((high - low) / 4);
        List<Double> values = new ArrayList<>(List.of(low));
        for (long k = (long) Math.ceil(low / step); k * step < high; k++) {
            double value = k * step + 0.0; // + 0.0 turns -0.0 into 0.0
            double ratio = (value - low) / (high - low);
            if (ratio > MIN_TICK_GAP && ratio < 1 - MIN_TICK_GAP) {
                values.add(value);
            }
        }
        values.add(high);
        return values;
    }

    /** Ends get one more decimal than the round values, and ≤ / ≥ where colours were clipped. */
    private List<String> tickLabels(List<Double> values) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(roundStep((high - low) / 4))));
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < values.size(); k++) {
            boolean end = k == 0 || k == values.size() - 1;
            String text = String.format(Locale.ROOT, "%." + (end ? decimals + 1 : decimals) + "f", values.get(k));
            if (k == 0 && clippedLow) {
                text = "≤ " + text;
            } else if (k == values.size() - 1 && clippedHigh) {
                text = "≥ " + text;
            }
            labels.add(text);
        }
        return labels;
    }

    private static double roundStep(double raw) {
        double scale = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / scale;
        double multiple = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10;
        return multiple * scale;
    }
}
