package io.thoughtanchors.analysis.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level-BPE-like pre-tokeniser for tests: a single leading space merges into the following word or
 * punctuation mark (the cause of HEAD's +1 boundary shift), {@code "%."} is one token, and whitespace runs
 * leave their last space to the next word. BOS is prepended.
 */
final class FakeTokenCounter implements TokenCounter {
    private static final Pattern TOKEN = Pattern.compile(" ?%\\.| ?[A-Za-z0-9]+| ?[^A-Za-z0-9\\s]|\\s+(?!\\S)|\\s+");

    @Override
    public int[] prefixTokenCounts(String text, int[] charOffsets) {
        int[] out = new int[charOffsets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = charOffsets[i] == 0 ? 0 : tokenize(text.substring(0, charOffsets[i])).size();
        }
        return out;
    }

    @Override
    public TokenOffsets tokenize(String text) {
        List<int[]> spans = new ArrayList<>();
        List<String> toks = new ArrayList<>();
        spans.add(new int[] {0, 0});
        toks.add("<bos>");
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
            toks.add(m.group().strip());
        }
        int n = spans.size();
        int[] ids = new int[n];
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
            s[i] = spans.get(i)[0];
            e[i] = spans.get(i)[1];
        }
        return new TokenOffsets(ids, s, e, toks.toArray(String[]::new));
    }
}
