package io.thoughtanchors.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import smile.plot.swing.Graphics;
import smile.plot.swing.Plot;

/**
 * A line through (x, y) points with its own stroke, broken where a value is NaN. Smile's Line always strokes
 * one pixel wide and would join NaN points to the corner of the canvas.
 */
final class PolylinePlot extends Plot {

    private final double[] x;
    private final double[] y;
    private final Color lineColor;
    private final Stroke stroke;

    private PolylinePlot(double[] x, double[] y, Color color, Stroke stroke) {
        super(color);
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        this.x = x.clone();
        this.y = y.clone();
        this.lineColor = color;
        this.stroke = stroke;
    }

    static PolylinePlot solid(double[] x, double[] y, Color color, float width) {
        return new PolylinePlot(x, y, color, new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }

    static PolylinePlot dashed(double[] x, double[] y, Color color) {
        return dashed(x, y, color, 1.2f);
    }

    static PolylinePlot dashed(double[] x, double[] y, Color color, float width) {
        return new PolylinePlot(x, y, color, new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                new float[]{6f, 4f}, 0f));
    }

    /** The corner of the drawn points; NaN when none is drawn, which Smile's canvas then leaves out of its bounds. */
    @Override
    public double[] getLowerBound() {
        return corner(Math::min);
    }

    @Override
    public double[] getUpperBound() {
        return corner(Math::max);
    }

    @Override
    public void paint(Graphics g) {
        Stroke saved = g.getStroke();
        g.setColor(lineColor);
        g.setStroke(stroke);
        for (double[][] run : finiteRuns()) {
            if (run.length > 1) {
                g.drawLine(run);
            } else {
                g.drawPoint('@', run[0]); // a point between two gaps would otherwise not show at all
            }
        }
        g.setStroke(saved);
    }

    private double[] corner(DoubleBinaryOperator pick) {
        double[] corner = {Double.NaN, Double.NaN};
        for (double[][] run : finiteRuns()) {
            for (double[] point : run) {
                corner[0] = Double.isNaN(corner[0]) ? point[0] : pick.applyAsDouble(corner[0], point[0]);
                corner[1] = Double.isNaN(corner[1]) ? point[1] : pick.applyAsDouble(corner[1], point[1]);
            }
        }
        return corner;
    }

    private List<double[][]> finiteRuns() {
        List<double[][]> runs = new ArrayList<>();
        List<double[]> run = new ArrayList<>();
        for (int k = 0; k <= x.length; k++) {
            if (k < x.length && Double.isFinite(x[k]) && Double.isFinite(y[k])) {
                run.add(new double[]{x[k], y[k]});
            } else if (!run.isEmpty()) {
                runs.add(run.toArray(double[][]::new));
                run.clear();
            }
        }
        return runs;
    }
}
