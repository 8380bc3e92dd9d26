package io.thoughtanchors.analysis.text;

/**
 * Python {@code str} whitespace semantics ({@code str.isspace}, {@code strip}, regex {@code \s}), which the
 * reference splitter relies on. Java's {@code String.strip} differs (e.g. it keeps U+00A0 and U+001C).
 * Indices are Java char indices; they equal Python indices for text without supplementary characters
 * (true of every published trace).
 */
public final class PyText {
    private PyText() {
    }

    public static boolean isSpace(char c) {
        switch (c) {
            case ' ', '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001D', '\u001E', '\u001F', '\u0085', '\u00A0',
                    '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000':
                return true;
            default:
                return c >= '\u2000' && c <= '\u200A';
        }
    }

    public static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    /** {@code re.sub(r"\s+", " ", s)}. */
    public static String collapseSpaces(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean inSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                if (!inSpace) {
                    sb.append(' ');
                }
                inSpace = true;
            } else {
                sb.append(c);
                inSpace = false;
            }
        }
        return sb.toString();
    }

    /** {@code re.sub(r"\s+", "", s)}. */
    public static String removeSpaces(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isSpace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whitespace-collapsed and stripped: the comparison key for sentences vs labelled chunks. */
    public static String normalized(String s) {
        return strip(collapseSpaces(s));
    }

    /** {@code s.split()} first token, or "" when there is none. */
    public static String firstWord(String s) {
        String t = strip(s);
        int i = 0;
        while (i < t.length() && !isSpace(t.charAt(i))) {
            i++;
        }
        return t.substring(0, i);
    }

    /** Python slice {@code s[from:to]} with clamping. */
    public static String slice(String s, int from, int to) {
        int a = Math.max(0, Math.min(from, s.length()));
        int b = Math.max(a, Math.min(to, s.length()));
        return s.substring(a, b);
    }
}
