package io.thoughtanchors.report;

import java.awt.Color;
import java.util.Arrays;
import smile.plot.swing.Graphics;
import smile.plot.swing.Plot;

/**
 * Opaque bars from zero, one colour per bar; NaN bars are left out. Smile's Bar fills at 20% opacity, which
 * washes out categorical colours.
 */
final class ColumnPlot extends Plot {

    private final double[] x;
    private final double[] y;
    private final double width;
    private final Color[] colours;
    private final boolean whiteEdges;

    private ColumnPlot(double[] x, double[] y, double width, Color[] colours, boolean whiteEdges) {
        if (x.length != y.length || x.length != colours.length) {
            throw new IllegalArgumentException("x, y and colours differ in length");
        }
        this.x = x.clone();
        this.y = y.clone();
        this.width = width;
        this.colours = colours.clone();
        this.whiteEdges = whiteEdges;
    }

    /** Bars with gaps between them, each in its own colour. */
    static ColumnPlot of(double[] x, double[] y, double width, Color[] colours) {
        return new ColumnPlot(x, y, width, colours, false);
    }

    static ColumnPlot of(double[] x, double[] y, double width, Color colour) {
        return of(x, y, width, sameColour(x.length, colour));
    }

    /** Histogram bins: bars that touch, told apart by white edges. */
    static ColumnPlot touching(double[] x, double[] y, double width, Color colour) {
        return new ColumnPlot(x, y, width, sameColour(x.length, colour), true);
    }

    @Override
    public double[] getLowerBound() {
        return new double[]{PlotRange.of(x).low() - width / 2, PlotRange.of(y).including(0).low()};
    }

    @Override
    public double[] getUpperBound() {
        return new double[]{PlotRange.of(x).high() + width / 2, PlotRange.of(y).including(0).high()};
    }

    @Override
    public void paint(Graphics g) {
        for (int k = 0; k < x.length; k++) {
            if (Double.isFinite(x[k]) && Double.isFinite(y[k])) {
                double[] topLeft = {x[k] - width / 2, Math.max(y[k], 0)};
                double[] bottomRight = {x[k] + width / 2, Math.min(y[k], 0)};
                g.setColor(colours[k]);
                g.fillRect(topLeft, bottomRight);
                if (whiteEdges) {
                    g.setColor(Color.WHITE);
                    g.drawRect(topLeft, bottomRight);
                }
            }
        }
    }

    private static Color[] sameColour(int n, Color colour) {
        Color[] colours = new Color[n];
        Arrays.fill(colours, colour);
        return colours;
    }
}
