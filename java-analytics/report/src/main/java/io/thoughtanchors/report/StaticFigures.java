package io.thoughtanchors.report;

import io.thoughtanchors.report.FigurePage.Glyph;
import io.thoughtanchors.report.FigurePage.LegendEntry;
import io.thoughtanchors.report.ReportModel.BlackBox;
import io.thoughtanchors.report.ReportModel.CategoryScores;
import io.thoughtanchors.report.ReportModel.FocusTrace;
import io.thoughtanchors.report.ReportModel.HeadKurtosis;
import io.thoughtanchors.report.ReportModel.HeadRef;
import io.thoughtanchors.report.ReportModel.Reliability;
import io.thoughtanchors.report.ReportModel.Sentence;
import io.thoughtanchors.report.ReportModel.Suppression;
import java.awt.Color;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import smile.plot.swing.BoxPlot;
import smile.plot.swing.Canvas;
import smile.plot.swing.Label;
import smile.plot.swing.Plot;
import smile.plot.swing.Point;
import smile.plot.swing.ScatterPlot;

/** Static figures of a report, drawn with Smile into PNG bytes (no file I/O here: the caller writes them). */
public final class StaticFigures {

    public static final int WIDTH = 1100;
    public static final int HEIGHT = 760;

    private static final String SYNTHETIC_NOTE =
            "Synthetic random weights: these numbers check the pipeline and say nothing about a trained model.";
    private static final int PALETTE_SIZE = 128;
    private static final double ATTENTION_CLIP_QUANTILE = 0.99;
    private static final double BAR_WIDTH = 0.8;
    /** Horizontal spread of one layer's heads, in layers; heads keep their order within it. */
    private static final double HEAD_SPREAD = 0.5;
    /** Horizontal spread of one category's per-trace dots, in box widths. */
    private static final double TRACE_SPREAD = 0.3;
    /** More receiver heads than this are not named beside their points: the names would overlap. */
    private static final int MAX_NAMED_RECEIVERS = 10;
    private static final char DOT = '#';
    /** Smile's large filled square. */
    private static final char MEAN_MARK = 'Q';
    private static final float THIN_LINE = 1.3f;
    private static final float MEDIUM_LINE = 2f;
    private static final float THICK_LINE = 3f;
    private static final float INTERVAL_LINE = 2f;
    /** Half the width of an interval's end caps, in box widths. */
    private static final double INTERVAL_CAP = 0.06;

    private StaticFigures() {
    }

    /**
     * PNG bytes of one figure.
     *
     * @throws IllegalArgumentException with {@code id.missingIn(model)}'s message if the model lacks its data
     */
    public static byte[] render(ReportModel model, FigureId id) {
        id.missingIn(model).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        FigurePage page = switch (id) {
            case HEAD_MATRIX -> headMatrix(model);
            case LAYER_VERTICAL_SCORES -> layerVerticalScores(model);
            case KURTOSIS_BY_LAYER -> kurtosisByLayer(model);
            case KURTOSIS_HISTOGRAM -> kurtosisHistogram(model);
            case RELIABILITY -> reliability(model, model.reliability().orElseThrow());
            case CATEGORY_BOXPLOT -> categoryBoxplot(model, model.categories().orElseThrow());
            case SUPPRESSION_MATRIX -> suppressionMatrix(model, model.suppression().orElseThrow());
            case SUPPRESSION_BY_DISTANCE -> suppressionByDistance(model, model.suppression().orElseThrow());
            case RECEIVER_VS_COUNTERFACTUAL -> receiverVsCounterfactual(model, model.blackBox().orElseThrow());
            case SENTENCE_RECEIVER_SCORES -> sentenceReceiverScores(model);
            case SENTENCE_VERTICAL_SCORES -> sentenceVerticalScores(model);
        };
        return page.png();
    }

    // Figure 4A
    private static FigurePage headMatrix(ReportModel model) {
        FocusTrace focus = model.focus();
        double[][] matrix = focus.headMatrix();
        // Attention is heavy-tailed: a few large weights would leave every other cell the lowest colour.
        double high = quantile(finite(matrix), ATTENTION_CLIP_QUANTILE);
        MatrixPlot plot = new MatrixPlot(matrix, FigurePalette.viridis(PALETTE_SIZE),
                Math.min(0, PlotRange.of(matrix).low()), high, "attention weight (colours clipped at 99th percentile)");
        return matrixPage(model, plot, "attended sentence j",
                "Receiver head " + focus.head() + ": sentence × sentence attention", focus.traceId());
    }

    // Figure 4B
    private static FigurePage layerVerticalScores(ReportModel model) {
        FocusTrace focus = model.focus();
        HeadRef receiver = focus.head();
        double[][] scores = focus.layerScores();
        int others = scores.length - 1;
        boolean eachNamed = others <= FigurePalette.otherHeadColours();
        List<Plot> lines = new ArrayList<>();
        List<LegendEntry> legend = new ArrayList<>();
        legend.add(new LegendEntry(receiver + " (receiver head)", FigurePalette.RECEIVER, Glyph.THICK_LINE));
        for (int h = 0; h < scores.length; h++) {
            if (h != receiver.head()) {
                Color colour = eachNamed ? FigurePalette.otherHead(lines.size()) : FigurePalette.MUTED;
                lines.add(PolylinePlot.solid(indices(scores[h].length), scores[h], colour, THIN_LINE));
                if (eachNamed) {
                    legend.add(new LegendEntry(new HeadRef(receiver.layer(), h).toString(), colour, Glyph.LINE));
                }
            }
        }
        if (!eachNamed) {
            legend.add(new LegendEntry(others + " other heads of layer " + receiver.layer(), FigurePalette.MUTED,
                    Glyph.LINE));
        }
        double[] receiverScores = focus.headVerticalScores();
        lines.add(PolylinePlot.solid(indices(receiverScores.length), receiverScores, FigurePalette.RECEIVER,
                THICK_LINE));
        int sentences = Arrays.stream(scores).mapToInt(s -> s.length).max().orElse(1);
        Canvas canvas = indexCanvas(sentences - 1, PlotRange.of(scores).including(0), lines);
        canvas.setAxisLabels("sentence index", "vertical score (mean attention weight)");
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Vertical scores of every head in layer " + receiver.layer(), "trace " + focus.traceId());
    }

    // Figure 4C
    private static FigurePage kurtosisByLayer(ReportModel model) {
        HeadKurtosis kurtosis = model.kurtosis();
        Set<HeadRef> receivers = Set.copyOf(kurtosis.topHeads());
        List<double[]> receiverPoints = new ArrayList<>();
        List<double[]> otherPoints = new ArrayList<>();
        List<Label> names = new ArrayList<>();
        for (int layer = 0; layer < kurtosis.layers(); layer++) {
            for (int head = 0; head < kurtosis.heads(); head++) {
                HeadRef ref = new HeadRef(layer, head);
                double[] point = {layer + HEAD_SPREAD * ((head + 0.5) / kurtosis.heads() - 0.5), kurtosis.of(ref)};
                if (!Double.isFinite(point[1])) {
                    continue;
                }
                if (receivers.contains(ref)) {
                    receiverPoints.add(point);
                    names.add(Label.of("   " + ref, point, 0.0, 0.35, 0.0)); // leading spaces: clear of the dot
                } else {
                    otherPoints.add(point);
                }
            }
        }
        List<Plot> plots = new ArrayList<>();
        addScatter(plots, otherPoints, FigurePalette.translucent(FigurePalette.MAIN, 170));
        addScatter(plots, receiverPoints, FigurePalette.RECEIVER);
        PlotRange layers = new PlotRange(-0.5, kurtosis.layers() - 0.5);
        Canvas canvas = canvas(layers, PlotRange.of(kurtosis.meanKurtosis()).padded(0.05), plots);
        exact(canvas, 0, layers);
        IndexTicks.set(canvas.getAxis(0), 0, kurtosis.layers() - 1, layer -> layer);
        canvas.getAxis(0).setGridVisible(false);
        if (names.size() <= MAX_NAMED_RECEIVERS) {
            names.forEach(canvas::add);
        }
        canvas.setAxisLabels("layer", "mean excess kurtosis of vertical scores");
        int excluded = kurtosis.meanKurtosis().length - receiverPoints.size() - otherPoints.size();
        List<LegendEntry> legend = new ArrayList<>();
        if (!receiverPoints.isEmpty()) {
            legend.add(new LegendEntry(topHeadsLabel(kurtosis), FigurePalette.RECEIVER, Glyph.DOT));
        }
        if (!otherPoints.isEmpty()) {
            legend.add(new LegendEntry("other heads", FigurePalette.MAIN, Glyph.DOT));
        }
        if (excluded > 0) {
            legend.add(LegendEntry.note(excluded + " excluded heads not shown"));
        }
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Kurtosis of every attention head, by layer", meanOverTraces(model));
    }

    // Figure 4D
    private static FigurePage kurtosisHistogram(ReportModel model) {
        HeadKurtosis kurtosis = model.kurtosis();
        double[] values = finite(kurtosis.meanKurtosis());
        Bins bins = Bins.of(values);
        int maxCount = (int) Arrays.stream(bins.counts()).max().orElse(0);
        List<Plot> plots = new ArrayList<>(List.of(
                ColumnPlot.touching(bins.centres(), bins.counts(), bins.width(), FigurePalette.MAIN)));
        kurtosis.topHeads().stream().mapToDouble(kurtosis::of).filter(Double::isFinite)
                .forEach(v -> plots.add(PolylinePlot.dashed(new double[]{v, v}, new double[]{0, maxCount},
                        FigurePalette.RECEIVER)));
        PlotRange heads = new PlotRange(0, maxCount + Math.max(1, maxCount / 10.0));
        Canvas canvas = canvas(PlotRange.of(values), heads, plots);
        exact(canvas, 1, heads);
        IndexTicks.set(canvas.getAxis(1), 0, maxCount, count -> count);
        canvas.getAxis(0).setGridVisible(false);
        canvas.setAxisLabels("mean excess kurtosis", "heads");
        List<LegendEntry> legend = List.of(
                new LegendEntry("heads (" + values.length + ")", FigurePalette.MAIN, Glyph.SQUARE),
                new LegendEntry(topHeadsLabel(kurtosis), FigurePalette.RECEIVER, Glyph.DASHED_LINE));
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Distribution of mean head kurtosis", meanOverTraces(model));
    }

    /** Equal-width histogram bins over the values' range, as many as the Rice rule gives. */
    private record Bins(double[] centres, double[] counts, double width) {
        static Bins of(double[] values) {
            PlotRange range = PlotRange.of(values);
            int bins = Math.max(1, (int) Math.ceil(2 * Math.cbrt(values.length)));
            double width = range.high() > range.low() ? (range.high() - range.low()) / bins : 1;
            double[] counts = new double[bins];
            for (double v : values) {
                counts[Math.min(bins - 1, (int) ((v - range.low()) / width))]++;
            }
            double[] centres = new double[bins];
            Arrays.setAll(centres, b -> range.low() + (b + 0.5) * width);
            return new Bins(centres, counts, width);
        }
    }

    // Figure 4E
    private static FigurePage reliability(ReportModel model, Reliability reliability) {
        List<double[]> points = new ArrayList<>();
        for (int k = 0; k < Math.min(reliability.firstHalf().length, reliability.secondHalf().length); k++) {
            if (Double.isFinite(reliability.firstHalf()[k]) && Double.isFinite(reliability.secondHalf()[k])) {
                points.add(new double[]{reliability.firstHalf()[k], reliability.secondHalf()[k]});
            }
        }
        double[][] xy = points.toArray(double[][]::new);
        PlotRange range = PlotRange.of(column(xy, 0), column(xy, 1)).padded(0.05);
        List<Plot> plots = new ArrayList<>();
        addScatter(plots, points, FigurePalette.translucent(FigurePalette.MAIN, 190));
        Canvas canvas = canvas(range, range, plots);
        double[] corner = {canvas.getLowerBounds()[0], canvas.getUpperBounds()[0]}; // y = x across the whole plot
        canvas.add(PolylinePlot.dashed(corner, corner, FigurePalette.REFERENCE));
        canvas.setAxisLabels("mean kurtosis, first half (" + traces(reliability.tracesFirst()) + ")",
                "mean kurtosis, second half (" + traces(reliability.tracesSecond()) + ")");
        String statistics = String.format(Locale.ROOT, "Pearson r = %.2f (p = %s), Spearman ρ = %.2f over %d heads;"
                        + " %s split: %d + %d traces", reliability.pearsonR(), pValue(reliability.pearsonP()),
                reliability.spearmanR(), points.size(), reliability.split().toLowerCase(Locale.ROOT),
                reliability.tracesFirst(), reliability.tracesSecond());
        List<LegendEntry> legend = List.of(
                new LegendEntry("head (" + points.size() + ")", FigurePalette.MAIN, Glyph.DOT),
                new LegendEntry("y = x", FigurePalette.REFERENCE, Glyph.DASHED_LINE));
        return header(new FigurePage(canvas, FigurePage.SQUARE).legend(legend), model,
                "Split-half reliability of head kurtosis", traces(model.settings().traceIds().size()), statistics);
    }

    // Figure 5
    private static FigurePage categoryBoxplot(ReportModel model, CategoryScores categories) {
        CategoryGroups groups = CategoryGroups.of(categories);
        List<Plot> plots = new ArrayList<>();
        if (!groups.scores().isEmpty()) {
            // BoxPlot sorts its arrays in place.
            plots.add(new BoxPlot(groups.scores().stream().map(double[]::clone).toArray(double[][]::new), null));
        }
        addScatter(plots, groups.dots(), FigurePalette.translucent(FigurePalette.MAIN, 150));
        List<Double> bounds = addMeansWithIntervals(plots, groups, categories);
        PlotRange boxes = new PlotRange(0, Math.max(1, groups.names().size()));
        double[] intervalBounds = bounds.stream().mapToDouble(Double::doubleValue).toArray();
        Canvas canvas = canvas(boxes, PlotRange.of(Stream.concat(groups.scores().stream(), Stream.of(intervalBounds))
                .toArray(double[][]::new)).padded(0.05), plots);
        exact(canvas, 0, boxes);
        canvas.getAxis(0).setTickVisible(false);
        canvas.getAxis(0).setGridVisible(false);
        canvas.setAxisLabels("sentence category", "receiver-head score (mean vertical score)");
        ReportModel.CategoryInterval interval = categories.interval();
        String level = BigDecimal.valueOf(100 * interval.level()).round(new MathContext(3)).stripTrailingZeros()
                .toPlainString() + "%";
        List<LegendEntry> legend = List.of(
                new LegendEntry("median and quartiles", Color.BLACK, Glyph.BOX),
                new LegendEntry("one trace", FigurePalette.MAIN, Glyph.DOT),
                LegendEntry.note("whiskers: data within 1.5 IQR"),
                new LegendEntry("mean, " + level + " CI", FigurePalette.RECEIVER, Glyph.SQUARE),
                LegendEntry.note("CI: bootstrap over problems"),
                LegendEntry.note("(" + interval.resamples() + " resamples)"),
                new LegendEntry("< " + interval.fewProblemsBelow() + " problems", FigurePalette.RECEIVER,
                        Glyph.DASHED_LINE));
        double[] centres = new double[groups.names().size()];
        Arrays.setAll(centres, i -> i + 0.5);
        FigurePage page = new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend)
                .categoryLabels(groups.names(), centres);
        return header(page, model, "Receiver-head score by sentence category (" + traces(groups.traces()) + ")",
                "per-trace means; paired tests with Holm p and d_z are in the HTML report");
    }

    /**
     * Each shown category's mean as a square and its bootstrap interval as a bar with caps (dashed with few problems);
     * returns the bounds drawn, for the axis range.
     */
    private static List<Double> addMeansWithIntervals(List<Plot> plots, CategoryGroups groups,
                                                      CategoryScores categories) {
        List<double[]> means = new ArrayList<>();
        List<Double> bounds = new ArrayList<>();
        for (ReportModel.CategoryMean m : categories.means()) {
            int i = groups.names().indexOf(m.category());
            if (i < 0 || !Double.isFinite(m.mean())) {
                continue;
            }
            double x = i + 0.5;
            means.add(new double[]{x, m.mean()});
            if (Double.isFinite(m.ciLow()) && Double.isFinite(m.ciHigh())) {
                double cap = INTERVAL_CAP;
                for (double[][] line : new double[][][]{{{x, x}, {m.ciLow(), m.ciHigh()}},
                        {{x - cap, x + cap}, {m.ciLow(), m.ciLow()}}, {{x - cap, x + cap}, {m.ciHigh(), m.ciHigh()}}}) {
                    Color colour = FigurePalette.RECEIVER;
                    plots.add(m.fewProblems() ? PolylinePlot.dashed(line[0], line[1], colour, INTERVAL_LINE)
                            : PolylinePlot.solid(line[0], line[1], colour, INTERVAL_LINE));
                }
                bounds.add(m.ciLow());
                bounds.add(m.ciHigh());
            }
        }
        if (!means.isEmpty()) {
            plots.add(new ScatterPlot(new Point(means.toArray(double[][]::new), MEAN_MARK, FigurePalette.RECEIVER)));
        }
        return bounds;
    }

    /** The categories having a finite per-trace score, in display order, each with its scores by trace id. */
    private record CategoryGroups(List<String> names, List<double[]> scores, int traces) {
        static CategoryGroups of(CategoryScores categories) {
            List<String> names = new ArrayList<>();
            List<double[]> scores = new ArrayList<>();
            Set<String> traceIds = new TreeSet<>();
            for (String category : categories.categories()) {
                Map<String, Double> byTrace = categories.perTrace().getOrDefault(category, Map.of());
                double[] finite = byTrace.values().stream().mapToDouble(Double::doubleValue).filter(Double::isFinite)
                        .toArray();
                if (finite.length > 0) {
                    names.add(category);
                    scores.add(finite);
                    byTrace.forEach((trace, v) -> {
                        if (Double.isFinite(v)) {
                            traceIds.add(trace);
                        }
                    });
                }
            }
            return new CategoryGroups(names, scores, traceIds.size());
        }

        /** One point per trace score, spread sideways inside its category's box. */
        List<double[]> dots() {
            List<double[]> dots = new ArrayList<>();
            for (int i = 0; i < scores.size(); i++) {
                double[] values = scores.get(i);
                for (int t = 0; t < values.length; t++) {
                    dots.add(new double[]{i + 0.5 + TRACE_SPREAD * ((t + 0.5) / values.length - 0.5), values[t]});
                }
            }
            return dots;
        }
    }

    // Figure 6A
    private static FigurePage suppressionMatrix(ReportModel model, Suppression suppression) {
        MatrixPlot plot = new MatrixPlot(suppression.normalised(), FigurePalette.whiteToRed(PALETTE_SIZE),
                suppression.colourLow(), suppression.colourHigh(), "Δ ln KL (row-normalised)");
        return matrixPage(model, plot, "suppressed sentence j",
                "Row-normalised suppression effect (sentence j suppressed, effect on sentence i)",
                suppression.traceId());
    }

    // Figure 6B
    private static FigurePage suppressionByDistance(ReportModel model, Suppression suppression) {
        double[] distance = Arrays.stream(suppression.distance()).asDoubleStream().toArray();
        double[] mean = suppression.meanByDistance();
        double[] upper = new double[mean.length];
        double[] lower = new double[mean.length];
        Arrays.setAll(upper, d -> mean[d] + suppression.seByDistance()[d]);
        Arrays.setAll(lower, d -> mean[d] - suppression.seByDistance()[d]);
        Color band = FigurePalette.translucent(FigurePalette.MAIN, 150);
        List<Plot> plots = new ArrayList<>(List.of(
                PolylinePlot.dashed(distance, upper, band),
                PolylinePlot.dashed(distance, lower, band),
                PolylinePlot.solid(distance, mean, FigurePalette.MAIN, THICK_LINE)));
        double[] placebo = suppression.placeboByDistance();
        if (suppression.hasPlacebo()) {
            plots.add(PolylinePlot.solid(distance, placebo, FigurePalette.REFERENCE, THICK_LINE));
        }
        Canvas canvas = canvas(PlotRange.of(distance), (suppression.hasPlacebo()
                ? PlotRange.of(mean, upper, lower, placebo) : PlotRange.of(mean, upper, lower)).including(0), plots);
        double[] edges = {canvas.getLowerBounds()[0], canvas.getUpperBounds()[0]};
        canvas.add(PolylinePlot.solid(edges, new double[]{0, 0}, FigurePalette.REFERENCE, THIN_LINE));
        canvas.setAxisLabels("sentence distance i − j", "mean row-normalised ln KL");
        List<LegendEntry> legend = new ArrayList<>(List.of(
                new LegendEntry("mean at each distance", FigurePalette.MAIN, Glyph.THICK_LINE),
                new LegendEntry("± 1 standard error", band, Glyph.DASHED_LINE),
                new LegendEntry("no effect", FigurePalette.REFERENCE, Glyph.LINE)));
        if (suppression.hasPlacebo()) {
            legend.add(new LegendEntry("placebo spans (docs/algorithms.md §12.9)", FigurePalette.REFERENCE,
                    Glyph.THICK_LINE));
        }
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Suppression effect by sentence distance", "trace " + suppression.traceId());
    }

    private static FigurePage receiverVsCounterfactual(ReportModel model, BlackBox blackBox) {
        List<double[]> points = new ArrayList<>();
        for (Sentence s : model.sentences()) {
            if (Double.isFinite(s.counterfactualImportance()) && Double.isFinite(s.receiverScore())) {
                points.add(new double[]{s.counterfactualImportance(), s.receiverScore()});
            }
        }
        double[][] xy = points.toArray(double[][]::new);
        PlotRange x = PlotRange.of(column(xy, 0));
        List<Plot> plots = new ArrayList<>();
        addScatter(plots, points, FigurePalette.translucent(FigurePalette.MAIN, 150));
        double[] line = leastSquares(column(xy, 0), column(xy, 1));
        plots.add(PolylinePlot.solid(new double[]{x.low(), x.high()},
                new double[]{line[0] + line[1] * x.low(), line[0] + line[1] * x.high()}, FigurePalette.REFERENCE,
                MEDIUM_LINE));
        Canvas canvas = canvas(x.padded(0.03), PlotRange.of(column(xy, 1)).padded(0.05), plots);
        canvas.setAxisLabels("counterfactual importance (black-box)", "receiver-head score");
        String residual = blackBox.residual().map(r -> String.format(Locale.ROOT, "per-trace residualised ρ against"
                + " resampling = %.2f (95%% CI %.2f to %.2f, %d %s)", r.meanSpearman(), r.ciLow(), r.ciHigh(),
                r.tracesUsed(), r.tracesUsed() == 1 ? "trace" : "traces")).orElse("residualised ρ against resampling"
                + " not computed");
        String statistics = String.format(Locale.ROOT, "Pearson r = %.2f (p = %s), Spearman ρ = %.2f over %d"
                        + " sentences; %s", blackBox.pearsonR(), pValue(blackBox.pearsonP()), blackBox.spearmanR(),
                blackBox.pairs(), residual);
        List<LegendEntry> legend = List.of(
                new LegendEntry("sentence (" + points.size() + ")", FigurePalette.MAIN, Glyph.DOT),
                new LegendEntry("least-squares line", FigurePalette.REFERENCE, Glyph.LINE));
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Receiver-head score against counterfactual importance", traces(model.settings().traceIds().size()),
                statistics);
    }

    private static FigurePage sentenceReceiverScores(ReportModel model) {
        List<Sentence> sentences = model.sentencesOf(model.focus().traceId());
        List<String> order = model.categoryOrder();
        double[] x = new double[sentences.size()];
        double[] y = new double[sentences.size()];
        Color[] colours = new Color[sentences.size()];
        Set<String> shown = new TreeSet<>();
        for (int k = 0; k < sentences.size(); k++) {
            Sentence s = sentences.get(k);
            x[k] = s.index();
            y[k] = s.receiverScore();
            colours[k] = FigurePalette.category(order.indexOf(s.category()));
            shown.add(s.category());
        }
        List<LegendEntry> legend = new ArrayList<>();
        for (int c = 0; c < order.size(); c++) {
            if (shown.contains(order.get(c))) {
                legend.add(new LegendEntry(order.get(c), FigurePalette.category(c), Glyph.SQUARE));
            }
        }
        Canvas canvas = barCanvas(ColumnPlot.of(x, y, BAR_WIDTH, colours), x, y);
        canvas.setAxisLabels("sentence index", "receiver-head score (mean vertical score)");
        return header(new FigurePage(canvas, FigurePage.WITH_LEGEND).legend(legend), model,
                "Receiver-head score of every sentence (top " + model.kurtosis().topHeads().size()
                        + " receiver heads)", "trace " + model.focus().traceId());
    }

    private static FigurePage sentenceVerticalScores(ReportModel model) {
        FocusTrace focus = model.focus();
        double[] y = focus.headVerticalScores();
        double[] x = indices(y.length);
        Canvas canvas = barCanvas(ColumnPlot.of(x, y, BAR_WIDTH, FigurePalette.RECEIVER), x, y);
        canvas.setAxisLabels("sentence index", "vertical score of " + focus.head() + " (mean attention weight)");
        long unscored = Arrays.stream(y).filter(v -> !Double.isFinite(v)).count();
        String context = "trace " + focus.traceId()
                + (unscored == 0 ? "" : "  ·  " + unscored + " sentences without a score");
        return header(new FigurePage(canvas, FigurePage.WITHOUT_LEGEND), model,
                "Vertical score of every sentence under receiver head " + focus.head(), context);
    }

    private static FigurePage matrixPage(ReportModel model, MatrixPlot plot, String columnTitle, String title,
                                         String traceId) {
        Canvas canvas = plot.canvas();
        canvas.setAxisLabels(columnTitle, "receiving sentence i");
        return header(new FigurePage(canvas, FigurePage.SQUARE), model, title, "trace " + traceId);
    }

    /** Title, statistics lines, "model · context", and the synthetic-weights warning where it applies. */
    private static FigurePage header(FigurePage page, ReportModel model, String title, String context,
                                     String... statistics) {
        page.title(title);
        for (String line : statistics) {
            page.line(line);
        }
        page.line(model.settings().modelLabel() + "  ·  " + context);
        if (model.settings().syntheticWeights()) {
            page.alert(SYNTHETIC_NOTE);
        }
        return page;
    }

    /** A canvas holding {@code plots}, with both axes rounded out to whole ticks by Smile. */
    private static Canvas canvas(PlotRange x, PlotRange y, List<Plot> plots) {
        Canvas canvas = new Canvas(new double[]{x.low(), y.low()}, new double[]{x.high(), y.high()});
        plots.forEach(canvas::add);
        return canvas;
    }

    /** A canvas over sentence indices 0..last, one index per unit, with integer ticks. */
    private static Canvas indexCanvas(int last, PlotRange y, List<Plot> plots) {
        PlotRange x = new PlotRange(-0.5, last + 0.5);
        Canvas canvas = canvas(x, y, plots);
        exact(canvas, 0, x);
        IndexTicks.set(canvas.getAxis(0), 0, last, i -> i);
        canvas.getAxis(0).setGridVisible(false);
        return canvas;
    }

    private static Canvas barCanvas(ColumnPlot bars, double[] x, double[] y) {
        int last = (int) PlotRange.of(x).high();
        return indexCanvas(last, PlotRange.of(y).including(0), List.of(bars));
    }

    /** Sets one axis exactly to {@code range}. Call after adding the plots: adding one re-rounds every axis. */
    private static void exact(Canvas canvas, int axis, PlotRange range) {
        double[] low = canvas.getLowerBounds().clone();
        double[] high = canvas.getUpperBounds().clone();
        low[axis] = range.low();
        high[axis] = range.high();
        canvas.setBound(low, high);
    }

    private static void addScatter(List<Plot> plots, List<double[]> points, Color colour) {
        if (!points.isEmpty()) { // Smile cannot bound an empty scatter plot
            plots.add(new ScatterPlot(new Point(points.toArray(double[][]::new), DOT, colour)));
        }
    }

    /** Intercept and slope of the least-squares line; a flat line at the mean when x does not vary. */
    private static double[] leastSquares(double[] x, double[] y) {
        double meanX = Arrays.stream(x).average().orElse(0);
        double meanY = Arrays.stream(y).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (int k = 0; k < x.length; k++) {
            covariance += (x[k] - meanX) * (y[k] - meanY);
            variance += (x[k] - meanX) * (x[k] - meanX);
        }
        double slope = variance > 0 ? covariance / variance : 0;
        return new double[]{meanY - slope * meanX, slope};
    }

    private static double[] finite(double[]... rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).filter(Double::isFinite).toArray();
    }

    /** Nearest-rank quantile; NaN when there are no values. */
    private static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double[] indices(int n) {
        double[] x = new double[n];
        Arrays.setAll(x, i -> i);
        return x;
    }

    private static double[] column(double[][] rows, int c) {
        return Arrays.stream(rows).mapToDouble(row -> row[c]).toArray();
    }

    private static String topHeadsLabel(HeadKurtosis kurtosis) {
        return "receiver heads (top " + kurtosis.topHeads().size() + ")";
    }

    private static String meanOverTraces(ReportModel model) {
        return "mean over " + traces(model.settings().traceIds().size());
    }

    private static String traces(int n) {
        return n + (n == 1 ? " trace" : " traces");
    }

    private static String pValue(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }
}
