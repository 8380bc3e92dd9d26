package io.thoughtanchors.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The report page: one self-contained HTML file (library, script, styles and data inlined; works offline). */
public final class HtmlReport {

    /** Where the pom puts ECharts from the npm lockfile in report/ui. */
    static final String ECHARTS_RESOURCE = "vendor/echarts.min.js";
    static final String SYNTHETIC_BANNER = "synthetic random weights: these results check the pipeline, not the science";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Six significant digits are far below what a chart or tooltip shows, and keep 300 × 300 matrices small. */
    private static final MathContext SIGNIFICANT = new MathContext(6);
    private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");
    /** Inline code must not end its own script element or open an HTML comment there. */
    private static final Pattern SCRIPT_BREAKER = Pattern.compile("</script|<!--", Pattern.CASE_INSENSITIVE);

    private HtmlReport() {
    }

    /** @param figures the figures drawn as static PNGs beside the page, linked as figures/<stem>.png (may be empty) */
    public static String render(ReportModel model, List<FigureId> figures) {
        Map<String, String> slots = Map.of(
                "head", head(escape(model.settings().title()), "report.css"),
                "header", header(model.settings()),
                "nav", nav(model.controls().isPresent()),
                "figures", figureSections(model, figures) + model.controls().map(HtmlReport::controlsSection).orElse(""),
                "echarts", inlineScript(echarts(), ECHARTS_RESOURCE),
                "data", dataJson(model),
                "script", inlineScript(resource("report.js"), "report.js"));
        return fillSlots("report.html", slots);
    }

    /**
     * The {@code <html><head>} every page shares (page-head.html): its title (HTML already escaped), the stylesheet
     * every page shares (page.css) then the page's own, and the error capture the page checks read.
     */
    static String head(String escapedTitle, String pageCss) {
        return fillSlots("page-head.html", Map.of("title", escapedTitle,
                "css", resource("page.css") + "\n" + resource(pageCss)));
    }

    /** The page template {@code name} with each {@code {{slot}}} replaced by its value (shared with the head view). */
    static String fillSlots(String name, Map<String, String> slots) {
        Matcher slot = SLOT.matcher(resource(name));
        StringBuilder page = new StringBuilder(slots.values().stream().mapToInt(String::length).sum() + 4096);
        while (slot.find()) {
            String value = slots.get(slot.group(1));
            if (value == null) {
                throw new IllegalStateException(name + " has an unknown slot " + slot.group());
            }
            slot.appendReplacement(page, Matcher.quoteReplacement(value));
        }
        slot.appendTail(page);
        return page.toString();
    }

    // ---- page structure (static HTML, so the page says what it holds even before its script runs) ----

    private static String header(ReportModel.RunSettings s) {
        StringBuilder h = new StringBuilder();
        h.append("<h1>").append(escape(s.title())).append("</h1>\n");
        if (s.syntheticWeights()) {
            h.append("<p class=\"synthetic-banner\" role=\"alert\">").append(escape(SYNTHETIC_BANNER)).append("</p>\n");
        }
        h.append("<dl class=\"settings\">\n");
        setting(h, "model", s.modelId());
        setting(h, "dtype", s.dtype());
        setting(h, "profile", s.profile());
        setting(h, "data", s.dataPath());
        setting(h, "created", s.created());
        s.worker().forEach((k, v) -> setting(h, k, v));
        h.append("</dl>\n");
        list(h, "analysis options", s.options(), "ul", true);
        list(h, "traces", s.traceIds(), "ol", s.traceIds().size() <= 8);
        return h.toString();
    }

    private static void setting(StringBuilder h, String name, String value) {
        h.append("<div><dt>").append(escape(name)).append("</dt><dd>").append(value == null ? "—" : escape(value))
                .append("</dd></div>\n");
    }

    private static void list(StringBuilder h, String name, List<String> items, String tag, boolean open) {
        h.append("<details").append(open ? " open" : "").append("><summary>").append(escape(name))
                .append(" (").append(items.size()).append(")</summary><").append(tag).append(">");
        items.forEach(item -> h.append("<li><code>").append(escape(item)).append("</code></li>"));
        h.append("</").append(tag).append("></details>\n");
    }

    private static String nav(boolean controls) {
        StringBuilder n = new StringBuilder();
        for (FigureId id : FigureId.values()) {
            n.append("<a href=\"#figure-").append(id.fileStem).append("\">").append(escape(shortName(id)))
                    .append("</a>\n");
        }
        if (controls) {
            n.append("<a href=\"#figure-").append(CONTROLS_CHART).append("\">Controls</a>\n");
        }
        return n.toString();
    }

    /** "Figure 4A" for the paper's figures, the caption for the others. */
    private static String shortName(FigureId id) {
        int colon = id.caption.indexOf(':');
        return colon > 0 ? id.caption.substring(0, colon) : id.caption;
    }

    private static String figureSections(ReportModel model, List<FigureId> figures) {
        StringBuilder f = new StringBuilder();
        for (FigureId id : FigureId.values()) {
            Optional<String> missing = id.missingIn(model);
            f.append("<figure class=\"figure ").append(layout(id)).append(missing.isPresent() ? " missing" : "")
                    .append("\" id=\"figure-").append(id.fileStem).append("\">\n");
            if (missing.isPresent()) {
                f.append("<p class=\"not-computed\">not computed: ").append(escape(missing.get())).append("</p>\n");
            } else {
                if (id == FigureId.SENTENCE_RECEIVER_SCORES) {
                    f.append(traceSelector(model));
                }
                f.append("<div class=\"chart\" id=\"").append(id.fileStem).append("\" role=\"img\" aria-label=\"")
                        .append(escape(id.caption)).append("\"></div>\n");
                if (id == FigureId.CATEGORY_BOXPLOT) {
                    f.append(pairTests(model.categories().orElseThrow().tests()));
                }
                if (id == FigureId.RECEIVER_VS_COUNTERFACTUAL) {
                    model.notComputed(ReportModel.Part.RESIDUAL_CORRELATION).ifPresent(reason -> f.append(
                            "<p class=\"not-computed\">not computed: the residualised Spearman against the resampling"
                                    + " matrix: ").append(escape(reason)).append("</p>\n"));
                }
            }
            f.append("<figcaption>").append(escape(id.caption));
            if (figures.contains(id)) {
                f.append(" <a class=\"png\" href=\"figures/").append(id.fileStem).append(".png\">static PNG</a>");
            }
            f.append("</figcaption>\n</figure>\n");
        }
        return f.toString();
    }

    private static String layout(FigureId id) {
        return switch (id) {
            case HEAD_MATRIX, SUPPRESSION_MATRIX -> "square";
            case SENTENCE_RECEIVER_SCORES, SENTENCE_VERTICAL_SCORES -> "wide";
            default -> "half";
        };
    }

    private static String traceSelector(ReportModel model) {
        StringBuilder s = new StringBuilder("<label class=\"trace-select\">trace <select id=\"sentence-trace\">");
        for (String trace : model.settings().traceIds()) {
            s.append("<option value=\"").append(escape(trace)).append('"')
                    .append(trace.equals(model.focus().traceId()) ? " selected" : "").append('>')
                    .append(escape(trace)).append("</option>");
        }
        return s.append("</select></label>\n").toString();
    }

    private static String pairTests(List<ReportModel.PairTest> tests) {
        if (tests.isEmpty()) {
            return "<p class=\"not-computed\">no paired tests: no two categories share traces</p>\n";
        }
        StringBuilder t = new StringBuilder("<div class=\"tests-scroll\"><table class=\"tests\"><caption>Paired"
                + " t-tests over traces having both categories. Holm p: adjusted over the unordered pairs;"
                + " d<sub>z</sub>: mean / sd of the paired differences</caption>\n<thead><tr><th>category A</th>"
                + "<th>category B</th><th>n</th><th>t</th><th>df</th><th>p</th><th>Holm p</th><th>d<sub>z</sub></th>"
                + "</tr></thead>\n<tbody>\n");
        for (ReportModel.PairTest test : tests) {
            t.append("<tr><td>").append(escape(test.categoryA())).append("</td><td>").append(escape(test.categoryB()))
                    .append("</td><td>").append(test.n()).append("</td><td>").append(format(test.t()))
                    .append("</td><td>").append(format(test.df())).append("</td><td>").append(format(test.p()))
                    .append("</td><td>").append(format(test.pHolm())).append("</td><td>")
                    .append(format(test.cohensDz())).append("</td></tr>\n");
        }
        return t.append("</tbody></table></div>\n").toString();
    }

    // ---- the receiver-head controls (docs/algorithms.md §6.4–6.5): chart, head table, sweep table ----

    static final String CONTROLS_CHART = "head_controls";
    static final String CONTROLS_CAPTION = "Receiver heads against their controls: re-segmentation null, recency"
            + " share, proximity sweep";

    private static String controlsSection(ReportModel.Controls c) {
        StringBuilder f = new StringBuilder("<figure class=\"figure wide\" id=\"figure-" + CONTROLS_CHART + "\">\n");
        f.append("<div class=\"chart\" id=\"").append(CONTROLS_CHART).append("\" role=\"img\" aria-label=\"")
                .append(escape(CONTROLS_CAPTION)).append("\"></div>\n");
        c.nullNotComputed().ifPresent(reason -> f.append("<p class=\"not-computed\">not computed: the"
                + " re-segmentation null: ").append(escape(reason)).append("</p>\n"));
        f.append("<table class=\"tests controls-heads\"><caption>Receiver heads: mean kurtosis against the null of"
                + (c.permutations() > 0 ? " " + c.permutations() : "") + " random re-segmentations, and the share of"
                + " attention within " + c.recencyWindow() + " sentences</caption>\n<thead><tr><th>rank</th>"
                + "<th>head</th><th>mean kurtosis</th><th>null mean</th><th>null sd</th><th>z</th><th>p</th>"
                + "<th>recency share</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < c.topHeads().size(); i++) {
            ReportModel.HeadControl h = c.topHeads().get(i);
            f.append("<tr><td>").append(i + 1).append("</td><td>").append(escape(h.head().toString()));
            for (double x : new double[] {h.meanKurtosis(), h.nullMean(), h.nullSd(), h.z(), h.p(), h.recencyShare()}) {
                f.append("</td><td>").append(format(x));
            }
            f.append("</td></tr>\n");
        }
        f.append("</tbody></table>\n");
        if (c.sweep().isEmpty()) {
            f.append("<p class=\"not-computed\">not computed: the proximity sweep (--proximity-sweep off)</p>\n");
        } else {
            f.append("<table class=\"tests controls-sweep\"><caption>Stability of the receiver heads across"
                    + " proximity_ignore: top-k overlap with the run's heads and Spearman ρ of head kurtosis</caption>\n"
                    + "<thead><tr><th>proximity ignore</th><th>top-k overlap</th><th>Spearman ρ</th><th>top heads</th>"
                    + "</tr></thead>\n<tbody>\n");
            for (ReportModel.SweepPoint p : c.sweep()) {
                f.append("<tr><td>").append(p.proximityIgnore()).append(p.configured() ? " (this run)" : "")
                        .append("</td><td>").append(format(p.overlap())).append("</td><td>")
                        .append(format(p.spearman())).append("</td><td>")
                        .append(p.note().isEmpty() ? escape(String.join(" ", p.topHeads().stream()
                                .map(ReportModel.HeadRef::toString).toList())) : escape(p.note()))
                        .append("</td></tr>\n");
            }
            f.append("</tbody></table>\n");
        }
        return f.append("<figcaption>").append(escape(CONTROLS_CAPTION)).append("</figcaption>\n</figure>\n")
                .toString();
    }

    private static JsonNode controlsJson(ReportModel.Controls c) {
        ObjectNode o = NODES.objectNode().put("recencyWindow", c.recencyWindow()).put("permutations", c.permutations());
        o.put("nullComputed", c.nullNotComputed().isEmpty());
        ArrayNode heads = o.putArray("heads");
        for (ReportModel.HeadControl h : c.topHeads()) {
            ObjectNode row = head(h.head());
            row.set("meanKurtosis", number(h.meanKurtosis()));
            row.set("recencyShare", number(h.recencyShare()));
            row.set("nullMean", number(h.nullMean()));
            row.set("nullSd", number(h.nullSd()));
            row.set("z", number(h.z()));
            row.set("p", number(h.p()));
            heads.add(row);
        }
        ArrayNode sweep = o.putArray("sweep");
        for (ReportModel.SweepPoint p : c.sweep()) {
            ObjectNode row = NODES.objectNode().put("proximityIgnore", p.proximityIgnore())
                    .put("configured", p.configured());
            row.set("overlap", number(p.overlap()));
            row.set("spearman", number(p.spearman()));
            sweep.add(row);
        }
        return o;
    }

    private static String format(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4g", x) : "—";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    // ---- data for the charts ----

    /** The model as compact JSON: NaN and ±∞ become null, doubles keep six significant digits. */
    static String dataJson(ReportModel model) {
        ObjectNode root = NODES.objectNode();
        ReportModel.RunSettings s = model.settings();
        root.putObject("settings").put("modelLabel", s.modelLabel()).put("syntheticWeights", s.syntheticWeights());

        ReportModel.HeadKurtosis k = model.kurtosis();
        ObjectNode kurtosis = root.putObject("kurtosis").put("layers", k.layers()).put("heads", k.heads());
        kurtosis.set("mean", numbers(k.meanKurtosis()));
        kurtosis.set("topHeads", heads(k.topHeads()));

        root.set("reliability", model.reliability().<JsonNode>map(r -> {
            ObjectNode o = NODES.objectNode().put("split", r.split()).put("tracesFirst", r.tracesFirst())
                    .put("tracesSecond", r.tracesSecond());
            o.set("pearsonR", number(r.pearsonR()));
            o.set("pearsonP", number(r.pearsonP()));
            o.set("spearmanR", number(r.spearmanR()));
            o.set("firstHalf", numbers(r.firstHalf()));
            o.set("secondHalf", numbers(r.secondHalf()));
            return o;
        }).orElse(NODES.nullNode()));

        // The category order colours every chart; the per-trace values exist only with sentence categories.
        ObjectNode categories = root.putObject("categories");
        categories.set("order", strings(model.categoryOrder()));
        model.categories().ifPresent(c -> {
            categories.set("names", strings(c.categories()));
            ObjectNode perTrace = categories.putObject("perTrace");
            c.perTrace().forEach((category, byTrace) -> {
                ObjectNode values = perTrace.putObject(category);
                byTrace.forEach((trace, value) -> values.set(trace, number(value == null ? Double.NaN : value)));
            });
            categories.putObject("interval").put("level", c.interval().level()).put("resamples",
                    c.interval().resamples()).put("fewProblemsBelow", c.interval().fewProblemsBelow());
            ArrayNode means = categories.putArray("means");
            for (ReportModel.CategoryMean m : c.means()) {
                ObjectNode mean = means.addObject().put("category", m.category()).put("traces", m.traces())
                        .put("problems", m.problems()).put("fewProblems", m.fewProblems());
                mean.set("mean", number(m.mean()));
                mean.set("ciLow", number(m.ciLow()));
                mean.set("ciHigh", number(m.ciHigh()));
            }
        });

        ArrayNode traces = root.putArray("traces");
        for (String trace : s.traceIds()) {
            traces.add(sentences(trace, model.sentencesOf(trace)));
        }

        ReportModel.FocusTrace f = model.focus();
        ObjectNode focus = root.putObject("focus").put("traceId", f.traceId());
        focus.set("head", head(f.head()));
        focus.set("headMatrix", matrix(f.headMatrix()));
        focus.set("layerScores", matrix(f.layerScores()));

        root.set("blackBox", model.blackBox().<JsonNode>map(b -> {
            ObjectNode o = NODES.objectNode().put("pairs", b.pairs());
            o.set("pearsonR", number(b.pearsonR()));
            o.set("pearsonP", number(b.pearsonP()));
            o.set("spearmanR", number(b.spearmanR()));
            o.set("residual", b.residual().<JsonNode>map(r -> {
                ObjectNode residual = NODES.objectNode();
                residual.set("meanSpearman", number(r.meanSpearman()));
                residual.set("ciLow", number(r.ciLow()));
                residual.set("ciHigh", number(r.ciHigh()));
                residual.put("tracesUsed", r.tracesUsed());
                return residual;
            }).orElse(NODES.nullNode()));
            return o;
        }).orElse(NODES.nullNode()));

        root.set("suppression", model.suppression().<JsonNode>map(p -> {
            ObjectNode o = NODES.objectNode().put("traceId", p.traceId());
            o.set("normalised", matrix(p.normalised()));
            o.set("colourLow", number(p.colourLow()));
            o.set("colourHigh", number(p.colourHigh()));
            ArrayNode distance = o.putArray("distance");
            for (int d : p.distance()) {
                distance.add(d);
            }
            o.set("meanByDistance", numbers(p.meanByDistance()));
            o.set("seByDistance", numbers(p.seByDistance()));
            o.set("placeboByDistance", p.hasPlacebo() ? numbers(p.placeboByDistance()) : NODES.nullNode());
            return o;
        }).orElse(NODES.nullNode()));

        root.set("controls", model.controls().map(HtmlReport::controlsJson).orElse(NODES.nullNode()));

        ObjectNode notComputed = root.putObject("notComputed");
        model.notComputed().forEach((part, reason) -> notComputed.put(part.name(), reason));

        try {
            // '<' only occurs inside JSON strings, where \u003c is the same character: no text can close the script.
            return MAPPER.writeValueAsString(root).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report model", e);
        }
    }

    /** One trace's sentences as parallel arrays (much smaller than one object per sentence). */
    private static ObjectNode sentences(String trace, List<ReportModel.Sentence> sentences) {
        ObjectNode t = NODES.objectNode().put("traceId", trace);
        ArrayNode index = t.putArray("index");
        ArrayNode category = t.putArray("category");
        ArrayNode text = t.putArray("text");
        ArrayNode receiver = t.putArray("receiverScore");
        ArrayNode importance = t.putArray("counterfactualImportance");
        for (ReportModel.Sentence s : sentences) {
            index.add(s.index());
            category.add(s.category());
            text.add(s.text());
            receiver.add(number(s.receiverScore()));
            importance.add(number(s.counterfactualImportance()));
        }
        return t;
    }

    private static ArrayNode heads(Collection<ReportModel.HeadRef> heads) {
        ArrayNode a = NODES.arrayNode();
        heads.forEach(h -> a.add(head(h)));
        return a;
    }

    private static ObjectNode head(ReportModel.HeadRef h) {
        return NODES.objectNode().put("layer", h.layer()).put("head", h.head()).put("label", h.toString());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode matrix(double[][] rows) {
        ArrayNode a = NODES.arrayNode(rows.length);
        for (double[] row : rows) {
            a.add(numbers(row));
        }
        return a;
    }

    private static ArrayNode numbers(double[] values) {
        ArrayNode a = NODES.arrayNode(values.length);
        for (double v : values) {
            a.add(number(v));
        }
        return a;
    }

    private static JsonNode number(double x) {
        if (!Double.isFinite(x)) {
            return NODES.nullNode();
        }
        return NODES.numberNode(BigDecimal.valueOf(x).round(SIGNIFICANT).doubleValue());
    }

    // ---- classpath resources ----

    private static String echarts() {
        if (HtmlReport.class.getResource(ECHARTS_RESOURCE) == null) {
            throw new IllegalStateException("echarts.min.js is not on the classpath: run make setup (npm ci in"
                    + " java-analytics/report/ui)");
        }
        return resource(ECHARTS_RESOURCE);
    }

    static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the report module's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    static String inlineScript(String code, String name) {
        if (SCRIPT_BREAKER.matcher(code).find()) {
            throw new IllegalStateException(name + " contains </script or <!--, which would break the inline script");
        }
        return code;
    }
}
