package io.thoughtanchors.analysis.text;

import io.thoughtanchors.analysis.TestData;
import io.thoughtanchors.data.LabeledChunk;
import io.thoughtanchors.data.Trace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec §2.2: the splitter reproduces the labelled chunks of the published traces. */
class SplitterOnTracesTest {
    static final String KNOWN_MISMATCH = "deepseek-r1-distill-qwen-14b/correct/2236#85";

    /** Per-trace comparison of HEAD keep-spacing sentences with the labels; returns "id#index" of mismatches. */
    static List<String> headMismatches(List<Trace> traces, int[] totals) {
        List<String> mismatches = new ArrayList<>();
        for (Trace t : traces) {
            String solution = t.baseSolution().solution();
            List<String> s = SentenceSplitter.keepSpacingSentences(solution);
            assertEquals(t.numLabeled() - 1, s.size(), t.id());
            String cot = t.baseSolution().fullCot();
            for (int i = 0; i < s.size(); i++) {
                assertTrue(solution.contains(s.get(i)), t.id() + " sentence " + i + " is not verbatim");
                totals[0]++;
                if (!PyText.normalized(s.get(i)).equals(PyText.normalized(t.chunks().get(i).chunk()))) {
                    mismatches.add(t.id() + "#" + i);
                }
            }
            // sentences tile the chain of thought
            int start = solution.indexOf(s.get(0));
            assertTrue(solution.startsWith(String.join("", s), start), t.id() + " sentences do not tile the text");
            // HEAD runs on full_cot: the same sentences
            assertEquals(s, SentenceSplitter.keepSpacingSentences(cot), t.id());
        }
        return mismatches;
    }

    /** Traces whose tail-kept chunk list equals all n_lab labels exactly. */
    static int paperExactTraces(List<Trace> traces) {
        int exact = 0;
        for (Trace t : traces) {
            List<String> labels = t.chunks().stream().map(LabeledChunk::chunk).toList();
            exact += SentenceSplitter.splitIntoChunks(t.baseSolution().solution(), SentenceSplitter.Tail.KEEP).equals(labels) ? 1 : 0;
        }
        return exact;
    }

    @Test
    void sampleTracesMatchLabelsExceptTheKnownSentence() {
        List<Trace> traces = TestData.sample();
        int[] totals = new int[1];
        assertEquals(List.of(KNOWN_MISMATCH), headMismatches(traces, totals));
        assertEquals(traces.stream().mapToInt(t -> t.numLabeled() - 1).sum(), totals[0]);
        assertEquals(traces.size(), paperExactTraces(traces));
    }

    @Test
    void sampleLayoutsLocateEverySentence() {
        for (Trace t : TestData.sample()) {
            for (SentenceSource src : SentenceSource.values()) {
                SentenceMatch match = src == SentenceSource.ALL_LABELLED ? SentenceMatch.WHITESPACE_REGEX_FALLBACK : SentenceMatch.EXACT_OR_STRIPPED;
                SentenceLayout l = SentenceLayout.of(t.baseSolution(), t.chunks(), src, match);
                int expected = src == SentenceSource.HEAD_KEEP_SPACING ? t.numLabeled() - 1 : t.numLabeled();
                assertEquals(expected, l.size(), t.id() + " " + src);
                for (int i = 1; i < l.size(); i++) {
                    assertTrue(l.spans().get(i).start() >= l.spans().get(i - 1).end(), t.id() + " " + src + " not monotone at " + i);
                }
                assertTrue(l.spans().get(0).start() >= t.baseSolution().prompt().length(), t.id() + " " + src);
            }
        }
    }

    @Tag("devdata")
    @Test
    void sharedTracesMatchLabelsExceptTheKnownSentence() {
        List<Trace> traces = TestData.shared();
        int[] totals = new int[1];
        List<String> mismatches = headMismatches(traces, totals);
        assertEquals(List.of(KNOWN_MISMATCH), mismatches);
        long fullyMatching = traces.stream().filter(t -> mismatches.stream().noneMatch(m -> m.startsWith(t.id() + "#"))).count();
        assertEquals(traces.size() - 1, fullyMatching);
        if (traces.size() == 40) {
            assertEquals(5774, totals[0]); // spec §2.2: 5773 of 5774 sentences, 39/40 traces
        }
        assertEquals(traces.size(), paperExactTraces(traces));
    }
}
