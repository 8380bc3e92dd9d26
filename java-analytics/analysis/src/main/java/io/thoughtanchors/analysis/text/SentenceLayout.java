package io.thoughtanchors.analysis.text;

import io.thoughtanchors.data.BaseSolution;
import io.thoughtanchors.data.LabeledChunk;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysed sentences of a trace with their character spans in {@code full_cot} and the labelled chunk
 * each one corresponds to ({@code labelIndex[i]}, −1 when there is no such chunk).
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

    public static SentenceLayout of(BaseSolution base, List<LabeledChunk> labels, SentenceSource source, SentenceMatch match) {
        String text = base.fullCot();
        switch (source) {
            case HEAD_KEEP_SPACING -> {
                List<String> s = SentenceSplitter.keepSpacingSentences(text);
                return new SentenceLayout(s, SentencePositions.locate(text, s, match), identity(s.size(), labels.size()));
            }
            case ALL_LABELLED -> {
                List<String> s = labels.stream().map(LabeledChunk::chunk).toList();
                return new SentenceLayout(s, SentencePositions.locate(text, s, match), identity(s.size(), labels.size()));
            }
            case PAPER_SPLIT -> {
                String solution = base.solution();
                int offset = base.prompt().length();
                List<String> chunks = SentenceSplitter.splitIntoChunks(solution, SentenceSplitter.Tail.KEEP);
                List<String> s = new ArrayList<>();
                List<CharSpan> spans = new ArrayList<>();
                List<SentenceSplitter.ChunkRange> ranges = SentenceSplitter.chunkRanges(solution, chunks);
                int[] idx = new int[ranges.size()];
                for (int i = 0; i < ranges.size(); i++) {
                    SentenceSplitter.ChunkRange r = ranges.get(i);
                    s.add(chunks.get(r.chunkIndex()));
                    spans.add(r.span().shift(offset));
                    idx[i] = r.chunkIndex() < labels.size() ? r.chunkIndex() : -1;
                }
                return new SentenceLayout(s, spans, idx);
            }
            default -> throw new IllegalStateException("unknown source " + source);
        }
    }

    private static int[] identity(int n, int numLabels) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i < numLabels ? i : -1;
        }
        return idx;
    }
}
