package io.thoughtanchors.analysis.text;

import io.thoughtanchors.data.TraceText;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysed sentences of a trace with their character spans in the model text and the chunk each one
 * corresponds to ({@code labelIndex[i]}, −1 when there is no such chunk).
 */
public record SentenceLayout(List<String> sentences, List<CharSpan> spans, int[] labelIndex) {

    public SentenceLayout {
        sentences = List.copyOf(sentences);
        spans = List.copyOf(spans);
        if (sentences.size() != spans.size() || sentences.size() != labelIndex.length) {
            throw new IllegalArgumentException("sentences, spans and labelIndex must have the same length");
        }
    }

    public int size() {
        return sentences.size();
    }

    /**
     * Every sentence source splits or places sentences in the chain of thought only: the search starts where it
     * starts, so a sentence that the prompt happens to repeat is never placed in the prompt. (On the published
     * traces this is what searching from the start of {@code full_cot} gives, whose prompt ends with
     * {@code <think>}: the splitter of docs/algorithms.md §2.1 starts there.)
     *
     * @param chunks the trace's chunk list (labelled chunks, or the project's split of a trace of one's own)
     */
    public static SentenceLayout of(TraceText text, List<String> chunks, SentenceSource source, SentenceMatch match) {
        String full = text.modelText();
        int from = text.cotStart();
        String cot = PyText.strip(text.cot());
        switch (source) {
            case HEAD_KEEP_SPACING -> {
                List<String> s = SentenceSplitter.keepSpacing(full, SentenceSplitter.splitIntoChunks(cot), from);
                return new SentenceLayout(s, SentencePositions.locate(full, s, match, from),
                        identity(s.size(), chunks.size()));
            }
            case ALL_LABELLED -> {
                return new SentenceLayout(chunks, SentencePositions.locate(full, chunks, match, from),
                        identity(chunks.size(), chunks.size()));
            }
            case PAPER_SPLIT -> {
                List<String> split = SentenceSplitter.splitIntoChunks(cot, SentenceSplitter.Tail.KEEP);
                List<String> s = new ArrayList<>();
                List<CharSpan> spans = new ArrayList<>();
                List<SentenceSplitter.ChunkRange> ranges = SentenceSplitter.chunkRanges(full, split, from);
                int[] idx = new int[ranges.size()];
                for (int i = 0; i < ranges.size(); i++) {
                    SentenceSplitter.ChunkRange r = ranges.get(i);
                    s.add(split.get(r.chunkIndex()));
                    spans.add(r.span());
                    idx[i] = r.chunkIndex() < chunks.size() ? r.chunkIndex() : -1;
                }
                return new SentenceLayout(s, spans, idx);
            }
            default -> throw new IllegalStateException("unknown source " + source);
        }
    }

    private static int[] identity(int n, int numChunks) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i < numChunks ? i : -1;
        }
        return idx;
    }
}
