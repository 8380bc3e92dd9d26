package io.thoughtanchors.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import smile.plot.swing.Canvas;

/**
 * One figure image. Smile paints the axes and the plots into a chosen plot area; Java2D then adds what Smile
 * cannot place: a header of several lines, a legend with line and marker samples, wrapped category labels.
 */
final class FigurePage {

    /** A plot area on the page, in pixels. */
    record Area(int x, int y, int width, int height) {
        int right() {
            return x + width;
        }

        int bottom() {
            return y + height;
        }
    }

    /** What a legend entry's sample looks like. */
    enum Glyph { LINE, THICK_LINE, DASHED_LINE, DOT, SQUARE, BOX, NONE }

    record LegendEntry(String text, Color colour, Glyph glyph) {
        /** Legend text without a sample, e.g. how many points were left out. */
        static LegendEntry note(String text) {
            return new LegendEntry(text, Color.DARK_GRAY, Glyph.NONE);
        }
    }

    private static final int WIDTH = StaticFigures.WIDTH;
    private static final int HEIGHT = StaticFigures.HEIGHT;
    private static final int LEFT = 150;
    private static final int TOP = 124;
    private static final int BOTTOM = 92;
    private static final int LEGEND_COLUMN = 250;
    static final Area WITH_LEGEND = new Area(LEFT, TOP, WIDTH - LEFT - LEGEND_COLUMN, HEIGHT - TOP - BOTTOM);
    static final Area WITHOUT_LEGEND = new Area(LEFT, TOP, WIDTH - LEFT - 90, HEIGHT - TOP - BOTTOM);
    /** Square cells for matrices, with room on the right for the colour bar and its title. */
    static final Area SQUARE = new Area(250, TOP, HEIGHT - TOP - BOTTOM, HEIGHT - TOP - BOTTOM);

    /** Smile keeps this fraction of the canvas free on all four sides; the page scales the canvas to place its plot. */
    private static final double SMILE_MARGIN = 0.1;
    private static final int TEXT_LEFT = 24;
    private static final int FIRST_BASELINE = 34;
    private static final int LINE_SPACING = 22;
    private static final int MIN_FONT_SIZE = 9;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font LINE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font NOTE_FONT = new Font(Font.SANS_SERIF, Font.ITALIC, 13);
    private static final Font CATEGORY_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color ALERT = new Color(0xB00020);

    private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g = image.createGraphics();
    private final Canvas canvas;
    private final Area area;
    private final int canvasWidth;
    private final int canvasHeight;
    private final int originX;
    private final int originY;
    private int nextBaseline = FIRST_BASELINE;

    /** Paints {@code canvas} so that its plot area covers {@code area}; header and legend come after. */
    FigurePage(Canvas canvas, Area area) {
        this.canvas = canvas;
        this.area = area;
        canvasWidth = (int) Math.round(area.width() / (1 - 2 * SMILE_MARGIN));
        canvasHeight = (int) Math.round(area.height() / (1 - 2 * SMILE_MARGIN));
        originX = area.x() - (int) (canvasWidth * SMILE_MARGIN);
        originY = area.y() - (int) (canvasHeight * SMILE_MARGIN);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        canvas.setMargin(SMILE_MARGIN);
        AffineTransform saved = g.getTransform();
        g.translate(originX, originY);
        canvas.paint(g, canvasWidth, canvasHeight);
        g.setTransform(saved);
        g.setClip(null);
    }

    /** The first header line: what the figure shows. */
    FigurePage title(String text) {
        return headerLine(text, TITLE_FONT, Color.BLACK);
    }

    /** A further header line: statistics, model, trace. */
    FigurePage line(String text) {
        return headerLine(text, LINE_FONT, Color.BLACK);
    }

    /** A header line in red, for what a reader must not miss (synthetic weights). */
    FigurePage alert(String text) {
        return headerLine(text, LINE_FONT, ALERT);
    }

    /** The legend, top-aligned in the column right of the plot area. */
    FigurePage legend(List<LegendEntry> entries) {
        int sampleX = area.right() + 22;
        int y = area.y() + 14;
        for (LegendEntry entry : entries) {
            boolean note = entry.glyph() == Glyph.NONE;
            int textX = note ? sampleX : sampleX + 34;
            drawSample(entry, sampleX, y);
            g.setColor(note ? Color.DARK_GRAY : Color.BLACK);
            drawFitted(entry.text(), note ? NOTE_FONT : LEGEND_FONT, textX, y + 5, WIDTH - 12 - textX);
            y += 24;
        }
        return this;
    }

    /**
     * Labels centred under the x axis at data positions {@code xs}, wrapped at spaces and underscores, in one font
     * size small enough that no word runs into its neighbour.
     */
    FigurePage categoryLabels(List<String> labels, double[] xs) {
        int maxWidth = (xs.length > 1 ? Math.abs(screenX(xs[1]) - screenX(xs[0])) : area.width()) - 12;
        Font font = CATEGORY_FONT;
        while (widest(labels, g.getFontMetrics(font), maxWidth) > maxWidth && font.getSize() > MIN_FONT_SIZE) {
            font = font.deriveFont(font.getSize2D() - 1);
        }
        g.setFont(font);
        g.setColor(Color.BLACK);
        FontMetrics metrics = g.getFontMetrics();
        for (int k = 0; k < labels.size(); k++) {
            List<String> lines = wrap(labels.get(k), metrics, maxWidth);
            for (int l = 0; l < lines.size(); l++) {
                String line = lines.get(l);
                g.drawString(line, screenX(xs[k]) - metrics.stringWidth(line) / 2,
                        area.bottom() + 20 + (metrics.getHeight() + 1) * l);
            }
        }
        return this;
    }

    private static int widest(List<String> labels, FontMetrics metrics, int maxWidth) {
        return labels.stream().flatMap(label -> wrap(label, metrics, maxWidth).stream())
                .mapToInt(metrics::stringWidth).max().orElse(0);
    }

    byte[] png() {
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    private FigurePage headerLine(String text, Font font, Color colour) {
        g.setColor(colour);
        drawFitted(text, font, TEXT_LEFT, nextBaseline, WIDTH - 2 * TEXT_LEFT);
        nextBaseline += LINE_SPACING;
        return this;
    }

    /** Draws {@code text} in {@code font}, shrunk until it fits {@code maxWidth} (long trace ids, model names). */
    private void drawFitted(String text, Font font, int x, int baseline, int maxWidth) {
        Font fitted = font;
        while (g.getFontMetrics(fitted).stringWidth(text) > maxWidth && fitted.getSize() > MIN_FONT_SIZE) {
            fitted = fitted.deriveFont(fitted.getSize2D() - 1);
        }
        g.setFont(fitted);
        g.drawString(text, x, baseline);
    }

    private void drawSample(LegendEntry entry, int x, int middle) {
        g.setColor(entry.colour());
        switch (entry.glyph()) {
            case LINE -> strokeSample(new BasicStroke(1.5f), x, middle);
            case THICK_LINE -> strokeSample(new BasicStroke(3f), x, middle);
            case DASHED_LINE -> strokeSample(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                    new float[]{6f, 4f}, 0f), x, middle);
            case DOT -> g.fillOval(x + 9, middle - 4, 8, 8);
            case SQUARE -> g.fillRect(x + 6, middle - 7, 14, 14);
            case BOX -> {
                g.setStroke(new BasicStroke(1f));
                g.drawRect(x + 6, middle - 8, 14, 16);
                g.drawLine(x + 6, middle, x + 20, middle);
            }
            case NONE -> { }
        }
    }

    private void strokeSample(BasicStroke stroke, int x, int middle) {
        g.setStroke(stroke);
        g.drawLine(x, middle, x + 26, middle);
        g.setStroke(new BasicStroke(1f));
    }

    /** The pixel column of data coordinate {@code x}, by the same mapping Smile's projection uses. */
    private int screenX(double x) {
        double low = canvas.getLowerBounds()[0];
        double high = canvas.getUpperBounds()[0];
        return originX + (int) (canvasWidth * (SMILE_MARGIN + (1 - 2 * SMILE_MARGIN) * (x - low) / (high - low)));
    }

    private static List<String> wrap(String text, FontMetrics metrics, int maxWidth) {
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String word : text.split("[_\\s]+")) {
            String longer = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && metrics.stringWidth(longer) > maxWidth) {
                lines.add(line);
                line = word;
            } else {
                line = longer;
            }
        }
        lines.add(line);
        return lines;
    }
}
