package io.thoughtanchors.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The token-level head view (docs/algorithms.md §4.6) as one self-contained HTML file: styles, script and data
 * inlined, the matrices drawn as SVG by the page's own script, nothing fetched. Pure: a {@link HeadView} in, the page
 * out. Every text of the model reaches the page escaped (static HTML) or as JSON strings the script sets as text.
 */
public final class HeadViewPage {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HeadViewPage() {
    }

    public static String render(HeadView view) {
        String heads = view.heads().stream().map(HeadView.HeadMatrix::label).collect(Collectors.joining(", "));
        String title = "Head view " + heads + " · " + view.modelId();
        return HtmlReport.fillSlots("head-view.html", Map.of(
                "head", HtmlReport.head(HtmlReport.escape(title), "head-view.css"),
                "header", header(view, title),
                "picker", picker(view),
                "heads", headSections(view),
                "data", dataJson(view),
                "script", HtmlReport.inlineScript(HtmlReport.resource("head-view.js"), "head-view.js")));
    }

    private static String header(HeadView view, String title) {
        StringBuilder h = new StringBuilder("<h1>").append(HtmlReport.escape(title)).append("</h1>\n");
        if (view.syntheticWeights()) {
            h.append("<p class=\"synthetic-banner\" role=\"alert\">").append(HtmlReport.escape(
                    HtmlReport.SYNTHETIC_BANNER)).append("</p>\n");
        } else if (!view.notes().isBlank()) {
            h.append("<p class=\"model-notes\">").append(HtmlReport.escape(view.notes())).append("</p>\n");
        }
        h.append("<dl class=\"settings\">");
        setting(h, "model", view.modelId());
        setting(h, "dtype", view.dtype() + " weights, float32 softmax");
        setting(h, "tokens", view.size() + " (BOS included)");
        h.append("</dl>\n");
        h.append("<p class=\"explain\">Each matrix is one head's attention: row = query token, column = key token,"
                + " colour = weight from 0 (white) to 1 (darkest; or to the row's largest weight with the box ticked),"
                + " the worker's float32 numbers. Keys after the query"
                + " are masked and not drawn; every row sums to 1. Hover a cell for its weight; click a row, or a"
                + " token in a text, to see that token's attention over the text.</p>\n");
        return h.toString();
    }

    private static void setting(StringBuilder h, String name, String value) {
        h.append("<div><dt>").append(HtmlReport.escape(name)).append("</dt><dd>").append(HtmlReport.escape(value))
                .append("</dd></div>");
    }

    private static String picker(HeadView view) {
        StringBuilder p = new StringBuilder("<label class=\"picker\">query token <select id=\"query-token\">");
        int last = view.size() - 1;
        for (int i = 0; i < view.size(); i++) {
            p.append("<option value=\"").append(i).append('"').append(i == last ? " selected" : "").append('>')
                    .append(i).append(": ").append(HtmlReport.escape(view.tokens().get(i).label())).append("</option>");
        }
        p.append("</select></label>\n");
        p.append("<label class=\"scale\"><input type=\"checkbox\" id=\"row-scale\"> colour each row by its largest"
                + " weight</label>\n");
        return p.append("<span class=\"legend\" aria-hidden=\"true\">0 <span class=\"ramp\"></span> <span"
                + " id=\"legend-top\">1</span></span>\n").toString();
    }

    private static String headSections(HeadView view) {
        String text = tokenText(view);
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < view.heads().size(); k++) {
            HeadView.HeadMatrix m = view.heads().get(k);
            String id = "head-L" + m.layer() + "-H" + m.head();
            s.append("<section class=\"head\" id=\"").append(id).append("\" data-index=\"").append(k).append("\">\n")
                    .append("<h2>Layer ").append(m.layer()).append(", head ").append(m.head()).append("</h2>\n")
                    .append("<p class=\"top-keys\" aria-live=\"polite\"></p>\n")
                    .append("<div class=\"token-text\" data-index=\"").append(k).append("\">").append(text)
                    .append("</div>\n")
                    .append("<div class=\"matrix\" data-index=\"").append(k).append("\" role=\"img\" aria-label=\"")
                    .append("attention of ").append(m.label()).append(", query tokens by key tokens\"></div>\n")
                    .append("</section>\n");
        }
        return s.toString();
    }

    /**
     * The text as one span per token, each holding the text it adds (overlapping spans, as byte-level tokens of one
     * character have, add it once); text between tokens stays plain, tokens covering none show their label.
     */
    static String tokenText(HeadView view) {
        StringBuilder t = new StringBuilder();
        String text = view.text();
        int shown = 0;
        for (int i = 0; i < view.size(); i++) {
            HeadView.Token token = view.tokens().get(i);
            int start = Math.max(token.charStart(), shown);
            int end = Math.max(token.charEnd(), shown);
            if (token.charStart() > shown) {
                t.append(HtmlReport.escape(text.substring(shown, token.charStart())));
            }
            boolean empty = token.charStart() == token.charEnd();
            t.append("<span class=\"tok").append(empty ? " added" : "").append("\" data-i=\"").append(i).append("\">")
                    .append(HtmlReport.escape(empty ? token.label() : text.substring(start, end))).append("</span>");
            shown = end;
        }
        return t.append(HtmlReport.escape(text.substring(shown))).toString();
    }

    /**
     * Tokens and, per head, row q as its keys 0..q (the masked zeros after the query are left out); floats written
     * as Java's shortest decimal that reads back as the same float32.
     */
    static String dataJson(HeadView view) {
        ObjectNode root = NODES.objectNode();
        ArrayNode tokens = root.putArray("tokens");
        for (HeadView.Token t : view.tokens()) {
            tokens.addObject().put("id", t.id()).put("label", t.label());
        }
        ArrayNode heads = root.putArray("heads");
        int n = view.size();
        for (HeadView.HeadMatrix m : view.heads()) {
            ObjectNode head = heads.addObject().put("layer", m.layer()).put("head", m.head()).put("label", m.label());
            ArrayNode rows = head.putArray("rows");
            for (int q = 0; q < n; q++) {
                ArrayNode row = rows.addArray();
                for (int k = 0; k <= q; k++) {
                    row.add(m.get(n, q, k));
                }
            }
        }
        try {
            // '<' only occurs inside JSON strings, where \u003c is the same character: no text can close the script.
            return MAPPER.writeValueAsString(root).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the head view", e);
        }
    }
}
