package io.thoughtanchors.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeadViewPageTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern DATA_BLOCK =
            Pattern.compile("<script type=\"application/json\" id=\"head-view-data\">(.*?)</script>", Pattern.DOTALL);
    /** Markup, an entity, quotes, a line break, a tab, a zero-width space: everything a label must survive. */
    private static final String TEXT = "Is <b>x</b> & \"y\"\n\tz\u200B?";

    @Test
    void labelsMakeWhitespaceVisibleAndTheyReachThePageOnlyEscaped() throws IOException {
        HeadView view = view(TEXT, words(TEXT), 1, new Random(1));
        List<String> labels = view.tokens().stream().map(HeadView.Token::label).toList();
        assertEquals(List.of("<|endoftext|>", "Is", "·<b>x</b>", "·&", "·\"y\"", "↵→z⟨U+200B⟩?"), labels);

        String page = HeadViewPage.render(view);
        String withoutData = page.replace(dataBlock(page), "");
        assertFalse(withoutData.contains("<b>"), "no model text becomes markup");
        assertTrue(withoutData.contains("&lt;b&gt;x&lt;/b&gt;"), "the text view shows it escaped");
        assertTrue(withoutData.contains("<option value=\"2\">2: ·&lt;b&gt;x&lt;/b&gt;</option>"), "and the picker");
        assertTrue(withoutData.contains("&quot;y&quot;"));
        assertTrue(withoutData.contains("<span class=\"tok added\" data-i=\"0\">&lt;|endoftext|&gt;</span>"),
                "BOS covers no text: its token string stands for it");

        String block = dataBlock(page);
        assertFalse(block.contains("<"), "no raw '<' in the inline data");
        JsonNode data = MAPPER.readTree(block);
        for (int i = 0; i < labels.size(); i++) {
            assertEquals(labels.get(i), data.at("/tokens/" + i + "/label").asText());
            assertEquals(view.tokens().get(i).id(), data.at("/tokens/" + i + "/id").asInt());
        }
    }

    @Test
    void textViewHoldsTheTextOnceInTokenOrder() {
        // Two tokens of one character (a byte-level tokenizer's halves of an emoji) add it once.
        String text = "a 😀b";
        List<HeadView.Token> tokens = List.of(HeadView.Token.of(1, text, 0, 0, "<s>"),
                HeadView.Token.of(2, text, 0, 1, "a"), HeadView.Token.of(3, text, 1, 4, "x"),
                HeadView.Token.of(4, text, 1, 4, "y"), HeadView.Token.of(5, text, 4, 5, "b"));
        HeadView view = new HeadView("m", "float32", false, "", text, tokens,
                List.of(new HeadView.HeadMatrix(0, 0, causal(5, new Random(2)))));
        String spans = HeadViewPage.tokenText(view);
        assertEquals("<span class=\"tok added\" data-i=\"0\">&lt;s&gt;</span><span class=\"tok\" data-i=\"1\">a</span>"
                + "<span class=\"tok\" data-i=\"2\"> 😀</span><span class=\"tok\" data-i=\"3\"></span>"
                + "<span class=\"tok\" data-i=\"4\">b</span>", spans);
    }

    @Test
    void matrixRowsAreTheInputFloatsExactly() throws IOException {
        Random random = new Random(3);
        HeadView view = view(TEXT, words(TEXT), 2, random);
        JsonNode data = MAPPER.readTree(dataBlock(HeadViewPage.render(view)));
        int n = view.size();
        assertEquals(2, data.get("heads").size());
        for (int h = 0; h < 2; h++) {
            HeadView.HeadMatrix m = view.heads().get(h);
            JsonNode head = data.at("/heads/" + h);
            assertEquals(m.layer(), head.get("layer").asInt());
            assertEquals(m.head(), head.get("head").asInt());
            assertEquals(n, head.get("rows").size());
            for (int q = 0; q < n; q++) {
                JsonNode row = head.at("/rows/" + q);
                assertEquals(q + 1, row.size(), "a row holds the keys up to its query");
                for (int k = 0; k <= q; k++) {
                    // The JSON's decimal must read back as the very float the worker sent.
                    assertEquals(Float.floatToIntBits(m.get(n, q, k)), Float.floatToIntBits(Float.parseFloat(
                            row.get(k).asText())), "head " + h + " cell " + q + "," + k);
                }
            }
        }
    }

    @Test
    void tooManyTokensAreRefusedNamingTheSentenceLevelReport() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < HeadView.MAX_TOKENS; i++) {
            text.append(" w");
        }
        List<HeadView.Token> tokens = words(text.toString());
        assertEquals(HeadView.MAX_TOKENS + 1, tokens.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> view(text.toString(), tokens, 1, new Random(4)));
        assertEquals(HeadView.tooLong(HeadView.MAX_TOKENS + 1), e.getMessage());
        assertTrue(e.getMessage().contains("ta receivers") && e.getMessage().contains("ta report"));
        // One fewer is drawn.
        String shorter = text.substring(2);
        assertEquals(HeadView.MAX_TOKENS, view(shorter, words(shorter), 1, new Random(4)).size());
    }

    @Test
    void weightsAboveTheDiagonalOrOfTheWrongShapeAreRefused() {
        List<HeadView.Token> tokens = words(TEXT);
        int n = tokens.size();
        float[] weights = causal(n, new Random(5));
        weights[1] = 0.25f;  // query 0 on key 1
        assertThrows(IllegalArgumentException.class, () -> new HeadView("m", "float32", true, "", TEXT, tokens,
                List.of(new HeadView.HeadMatrix(0, 0, weights))));
        assertThrows(IllegalArgumentException.class, () -> new HeadView("m", "float32", true, "", TEXT, tokens,
                List.of(new HeadView.HeadMatrix(0, 0, new float[n * n - 1]))));
    }

    /** BOS, then one token per word with the spaces before it, as a BPE tokenizer splits it. */
    private static List<HeadView.Token> words(String text) {
        List<HeadView.Token> tokens = new ArrayList<>(List.of(HeadView.Token.of(0, text, 0, 0, "<|endoftext|>")));
        Matcher word = Pattern.compile("\\s*\\S+").matcher(text);
        while (word.find()) {
            tokens.add(HeadView.Token.of(tokens.size(), text, word.start(), word.end(), "?"));
        }
        return tokens;
    }

    private static HeadView view(String text, List<HeadView.Token> tokens, int heads, Random random) {
        List<HeadView.HeadMatrix> matrices = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            matrices.add(new HeadView.HeadMatrix(1, h * 2 + 1, causal(tokens.size(), random)));
        }
        return new HeadView("tiny-qwen2", "float32", true, "", text, tokens, matrices);
    }

    /** Softmax rows over the keys up to each query, zeros after it. */
    private static float[] causal(int n, Random random) {
        float[] w = new float[n * n];
        for (int q = 0; q < n; q++) {
            double sum = 0;
            double[] e = new double[q + 1];
            for (int k = 0; k <= q; k++) {
                e[k] = Math.exp(3 * random.nextGaussian());
                sum += e[k];
            }
            for (int k = 0; k <= q; k++) {
                w[q * n + k] = (float) (e[k] / sum);
            }
        }
        return w;
    }

    private static String dataBlock(String page) {
        Matcher m = DATA_BLOCK.matcher(page);
        assertTrue(m.find(), "the page has its data block");
        return m.group(1);
    }
}
