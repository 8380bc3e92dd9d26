package io.thoughtanchors.analysis.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reference sentence splitter (docs/algorithms.md §2): {@code split_solution_into_chunks} and
 * {@code split_solution_keep_spacing} / {@code get_chunk_ranges}, reproduced including their quirks.
 */
public final class SentenceSplitter {

    /** What happens to the text after the last sentence boundary (docs/algorithms.md §2.1 step 3, docs/algorithms.md §2.3). */
    public enum Tail {
        /** HEAD: the tail (normally the "Final Answer" chunk) is discarded, giving n_lab − 1 chunks. */
        DISCARD,
        /** PAPER-ERA / rollout generator: the tail is kept as a last chunk, giving all n_lab chunks. */
        KEEP
    }

    /** A chunk located in a text: its index in the chunk list and its character range. */
    public record ChunkRange(int chunkIndex, CharSpan span) {
    }

    private static final int MIN_CHUNK_LENGTH = 10;
    private static final int FALLBACK_WINDOW_SLACK = 20;
    private static final int WORD_SEARCH_AFTER = 100;

    private SentenceSplitter() {
    }

    /** HEAD {@code split_solution_into_chunks} (tail discarded). */
    public static List<String> splitIntoChunks(String text) {
        return splitIntoChunks(text, Tail.DISCARD);
    }

    public static List<String> splitIntoChunks(String text, Tail tail) {
        String t = text;
        int open = t.indexOf("<think>");
        if (open >= 0) {
            t = PyText.strip(t.substring(open + "<think>".length()));
        }
        int close = t.indexOf("</think>");
        if (close >= 0) {
            t = PyText.strip(t.substring(0, close));
        }
        List<String> chunks = new ArrayList<>();
        int chunkStart = 0;
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            boolean paragraph = t.startsWith("\n\n", k) || t.startsWith("\r\n\r\n", k);
            boolean sentence = (c == '.' || c == '?' || c == '!') && k < t.length() - 1
                    && (t.charAt(k + 1) == ' ' || t.charAt(k + 1) == '\n');
            if (paragraph || sentence) {
                String current = PyText.strip(t.substring(chunkStart, k + 1));
                // A whitespace-only "current" is not reset by the reference: it is carried into the next chunk.
                if (!current.isEmpty()) {
                    chunks.add(current);
                    chunkStart = k + 1;
                }
            }
        }
        if (tail == Tail.KEEP) {
            String rest = PyText.strip(t.substring(chunkStart));
            if (!rest.isEmpty()) {
                chunks.add(rest);
            }
        }
        mergeShortChunks(chunks);
        return chunks;
    }

    /** docs/algorithms.md §2.1 step 4: chunks shorter than 10 code points are glued (with one space) to their neighbour. */
    private static void mergeShortChunks(List<String> chunks) {
        int i = 0;
        while (i < chunks.size()) {
            String c = chunks.get(i);
            if (c.codePointCount(0, c.length()) < MIN_CHUNK_LENGTH) {
                if (i == chunks.size() - 1) {
                    if (i > 0) {
                        chunks.set(i - 1, chunks.get(i - 1) + " " + c);
                        chunks.remove(i);
                    }
                } else {
                    chunks.set(i + 1, c + " " + chunks.get(i + 1));
                    chunks.remove(i);
                }
                if (i == 0 && chunks.size() == 1) {
                    break;
                }
            } else {
                i++;
            }
        }
    }

    /**
     * HEAD {@code split_solution_keep_spacing}: the chunks as verbatim substrings of {@code text}, each with the
     * whitespace that follows it, so that they tile the chain of thought.
     */
    public static List<String> keepSpacingSentences(String text) {
        return keepSpacing(text, splitIntoChunks(text), 0);
    }

    /** {@code chunks} as verbatim substrings of {@code text}, searched from {@code from}, with their trailing space. */
    public static List<String> keepSpacing(String text, List<String> chunks, int from) {
        List<String> out = new ArrayList<>();
        for (ChunkRange r : chunkRanges(text, chunks, from)) {
            out.add(text.substring(r.span().start(), r.span().end()));
        }
        return out;
    }

    /**
     * The project's sentences of a chain of thought (no think tags): the reference split with the tail kept, which
     * gives the published chunk lists ({@code chunks_labeled.json}, all n_lab chunks). Every trace of one's own is
     * split by this, and its labels and importance are indexed by it.
     */
    public static List<String> sentences(String cot) {
        return splitIntoChunks(PyText.strip(cot), Tail.KEEP);
    }

    /**
     * HEAD {@code get_chunk_ranges}: locate each chunk from a moving cursor; chunks that cannot be found are
     * left out of the result (the reference prints a warning), so callers must use {@link ChunkRange#chunkIndex()}.
     */
    public static List<ChunkRange> chunkRanges(String text, List<String> chunks) {
        return chunkRanges(text, chunks, 0);
    }

    /** As {@link #chunkRanges(String, List)} with the cursor starting at {@code from} (the chain of thought's start). */
    public static List<ChunkRange> chunkRanges(String text, List<String> chunks, int from) {
        List<ChunkRange> ranges = new ArrayList<>(chunks.size());
        int pos = from;
        for (int ci = 0; ci < chunks.size(); ci++) {
            String chunk = chunks.get(ci);
            int start = text.indexOf(chunk, pos);
            if (start < 0) {
                start = fuzzyStart(text, chunk, pos);
            }
            if (start < 0) {
                continue;
            }
            int end = chunkEnd(text, chunk, start);
            pos = end;
            ranges.add(new ChunkRange(ci, new CharSpan(start, end)));
        }
        return ranges;
    }

    /** Whitespace-normalised fallback search of {@code get_chunk_ranges}, including its first-word scan. */
    private static int fuzzyStart(String text, String chunk, int pos) {
        String norm = PyText.normalized(chunk);
        String firstWord = PyText.firstWord(norm);
        for (int i = pos; i < text.length() - norm.length(); i++) {
            String window = PyText.slice(text, i, i + norm.length() + FALLBACK_WINDOW_SLACK);
            if (PyText.normalized(window).startsWith(norm)) {
                return i;
            }
            if (i == pos + WORD_SEARCH_AFTER) {
                Pattern word = Pattern.compile("\\b" + Pattern.quote(firstWord) + "\\b", Pattern.UNICODE_CHARACTER_CLASS);
                for (int j = pos; j < text.length() - 10; j++) {
                    if (word.matcher(PyText.slice(text, j, j + firstWord.length() + 5)).lookingAt()
                            && PyText.normalized(PyText.slice(text, j, j + norm.length() + 30)).startsWith(norm)) {
                        return j;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    /**
     * End of a located chunk: count the chunk's non-whitespace characters that match the text and include
     * the whitespace after them. Reproduces the reference's early stop {@code chunk_end + i >= len(text)}
     * (it compares the running end, not the start, with the text length), which only bites near the end.
     */
    private static int chunkEnd(String text, String chunk, int start) {
        String chunkContent = PyText.removeSpaces(chunk);
        String textContent = PyText.removeSpaces(PyText.slice(text, start, start + chunk.length() + 50));
        int matched = 0;
        int lim = Math.min(chunkContent.length(), textContent.length());
        while (matched < lim && chunkContent.charAt(matched) == textContent.charAt(matched)) {
            matched++;
        }
        int end = start;
        int count = 0;
        for (int i = 0; i < text.length() - start; i++) {
            if (end + i >= text.length()) {
                break;
            }
            if (!PyText.isSpace(text.charAt(start + i))) {
                count++;
            }
            if (count > matched) {
                break;
            }
            end = start + i;
        }
        return end + 1;
    }
}
