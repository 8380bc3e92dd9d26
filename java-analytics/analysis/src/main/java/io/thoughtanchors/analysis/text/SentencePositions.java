package io.thoughtanchors.analysis.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Character positions of sentences in the model text, searched sequentially from a cursor (docs/algorithms.md §2.4). */
public final class SentencePositions {
    private static final String PY_SPACE_CLASS =
            "[ \\t\\n\\x0B\\f\\r\\x1C-\\x1F\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+";

    private SentencePositions() {
    }

    /**
     * Space normalisation ν of HEAD: exotic space characters become ASCII spaces. Length-preserving, so
     * positions in ν(text) are positions in text.
     */
    public static String normalizeSpaces(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char ch = c[i];
            if (ch == '\u00A0' || ch == '\u1680' || (ch >= '\u2000' && ch <= '\u200B') || ch == '\u202F'
                    || ch == '\u205F' || ch == '\u3000' || ch == '\uFEFF') {
                c[i] = ' ';
            }
        }
        return new String(c);
    }

    /**
     * Locates every sentence; the cursor moves to the end of each match, so repeated sentences map to
     * successive occurrences.
     *
     * @throws SentenceNotFoundException "Sentence not found in text" naming the sentence index and a snippet
     */
    public static List<CharSpan> locate(String text, List<String> sentences, SentenceMatch match) {
        return locate(text, sentences, match, 0);
    }

    /** As {@link #locate(String, List, SentenceMatch)}, searching from {@code from} on. */
    public static List<CharSpan> locate(String text, List<String> sentences, SentenceMatch match, int from) {
        String t = normalizeSpaces(text);
        List<CharSpan> spans = new ArrayList<>(sentences.size());
        int cursor = from;
        for (int i = 0; i < sentences.size(); i++) {
            String s = normalizeSpaces(sentences.get(i));
            CharSpan span = find(t, s, cursor, match);
            if (span == null) {
                String snippet = s.length() > 60 ? s.substring(0, 60) + "…" : s;
                throw new SentenceNotFoundException("Sentence not found in text: sentence " + i + " \"" + snippet
                        + "\" (searched from character " + cursor + ")");
            }
            spans.add(span);
            cursor = span.end();
        }
        return spans;
    }

    private static CharSpan find(String t, String s, int cursor, SentenceMatch match) {
        int p = t.indexOf(s, cursor);
        if (p >= 0) {
            return new CharSpan(p, p + s.length());
        }
        String stripped = PyText.strip(s);
        p = t.indexOf(stripped, cursor);
        if (p >= 0) {
            return new CharSpan(p, p + stripped.length());
        }
        if (match == SentenceMatch.WHITESPACE_REGEX_FALLBACK && !stripped.isEmpty()) {
            Matcher m = whitespaceTolerant(stripped).matcher(t);
            if (m.find(cursor)) {
                return new CharSpan(m.start(), m.end());
            }
        }
        return null;
    }

    private static Pattern whitespaceTolerant(String stripped) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < stripped.length()) {
            int j = i;
            if (PyText.isSpace(stripped.charAt(i))) {
                while (j < stripped.length() && PyText.isSpace(stripped.charAt(j))) {
                    j++;
                }
                re.append(PY_SPACE_CLASS);
            } else {
                while (j < stripped.length() && !PyText.isSpace(stripped.charAt(j))) {
                    j++;
                }
                re.append(Pattern.quote(stripped.substring(i, j)));
            }
            i = j;
        }
        return Pattern.compile(re.toString());
    }
}
