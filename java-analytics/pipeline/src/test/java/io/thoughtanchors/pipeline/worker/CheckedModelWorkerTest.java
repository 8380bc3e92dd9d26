package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.VariantLogits;
import io.thoughtanchors.worker.WorkerException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of answer a worker may get wrong, checked before anything uses it. */
class CheckedModelWorkerTest {

    static final ModelInfo MODEL = new FakeModelWorker(2, 2).describe();

    /** Answers whatever the test set last. */
    static final class Canned extends FakeModelWorker {
        List<AttentionMatrix> matrices = List.of();
        LogitsResult logits;

        Canned() {
            super(2, 2);
        }

        @Override
        public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
            matrices.forEach(sink::accept);
        }

        @Override
        public LogitsResult logits(LogitsQuery query, ProgressListener progress) {
            return logits;
        }
    }

    final Canned canned = new Canned();
    final CheckedModelWorker checked = new CheckedModelWorker(canned, MODEL);

    @Test
    void rawRowsMustBeProbabilitiesSummingToOne() {
        AttentionQuery raw = AttentionQuery.raw(ModelInput.tokens(new int[] {0, 1, 2}));
        canned.matrices = List.of(new AttentionMatrix(1, 1, 3, 3, new float[] {1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f}));
        assertEquals(1, collect(raw).size(), "a causal softmax passes");

        canned.matrices = List.of(new AttentionMatrix(1, 1, 3, 3, new float[] {1, 0, 0, 0.5f, 0.4f, 0, 0.2f, 0.3f, 0.5f}));
        assertInvalid(() -> collect(raw), "row 1 sums to");
        canned.matrices = List.of(new AttentionMatrix(1, 1, 3, 3, new float[] {1, 0, 0, 1.5f, -0.5f, 0, 0.2f, 0.3f, 0.5f}));
        assertInvalid(() -> collect(raw), "at (1, 0)");
        canned.matrices = List.of(new AttentionMatrix(0, 2, 3, 3, new float[9]));
        assertInvalid(() -> collect(raw), "layer 0 head 2 of a 2x2 model");
    }

    @Test
    void pooledCellsOfNonEmptyRangesMustBeWithinZeroAndOneWhileEmptyRangesMayBeNaN() {
        AttentionQuery pooled = AttentionQuery.pooled(ModelInput.tokens(new int[] {0, 1, 2, 3}),
                List.of(new TokenRange(0, 2), new TokenRange(2, 2), new TokenRange(2, 4)));
        float nan = Float.NaN;
        canned.matrices = List.of(new AttentionMatrix(0, 0, 3, 3, new float[] {0.5f, nan, 0, nan, nan, nan, 0.3f, nan, 0.2f}));
        assertEquals(1, collect(pooled).size());

        canned.matrices = List.of(new AttentionMatrix(0, 0, 3, 3, new float[] {nan, nan, 0, nan, nan, nan, 0.3f, nan, 0.2f}));
        assertInvalid(() -> collect(pooled), "is NaN at ranges (0, 0)");
        canned.matrices = List.of(new AttentionMatrix(0, 0, 2, 2, new float[4]));
        assertInvalid(() -> collect(pooled), "is 2x2 for 3 ranges");
    }

    @Test
    void nucleiMustCoverWhatTheirSuppressionChangesWithFiniteLogitsDistinctIdsAndMassInZeroOne() {
        LogitsQuery query = LogitsQuery.nucleus(ModelInput.tokens(new int[] {0, 1, 2, 3}), List.of(Suppression.NONE,
                Suppression.allHeads(List.of(new TokenRange(2, 3)))), NucleusSpec.REFERENCE);
        Nucleus good = nucleus(0, new int[] {5, 6, 7, 8}, new float[] {1, 2, 3, 4}, 0.9f);
        Nucleus fromTwo = nucleus(2, new int[] {5, 6}, new float[] {1, 2}, 0.9f);
        canned.logits = result(4, good, fromTwo);
        assertEquals(4, checked.logits(query).numTokens());

        canned.logits = result(4, nucleus(1, new int[] {5, 6, 7}, new float[] {1, 2, 3}, 0.9f), fromTwo);
        assertInvalid(() -> checked.logits(query), "must cover 0..3");
        canned.logits = result(4, good, nucleus(3, new int[] {5}, new float[] {1}, 0.9f));
        assertInvalid(() -> checked.logits(query), "must cover 2..3");
        canned.logits = result(4, nucleus(0, new int[] {5, 6, 7, 8}, new float[] {1, Float.NaN, 3, 4}, 0.9f), fromTwo);
        assertInvalid(() -> checked.logits(query), "logit NaN for token 6 at position 1");
        canned.logits = result(4, nucleus(0, new int[] {5, 6, 7, FakeModelWorker.VOCAB}, new float[] {1, 2, 3, 4},
                0.9f), fromTwo);
        assertInvalid(() -> checked.logits(query), "outside the vocabulary");
        canned.logits = result(4, good, nucleus(2, new int[] {5, 6}, new float[] {1, 2}, 0f));
        assertInvalid(() -> checked.logits(query), "keeps mass 0.0 at position 2");
        canned.logits = result(3, good, fromTwo);
        assertInvalid(() -> checked.logits(query), "counted 3 tokens");
    }

    @Test
    void fullLogitsMustBeFiniteOverTheWholeVocabulary() {
        LogitsQuery query = LogitsQuery.fullLogits(ModelInput.tokens(new int[] {0, 1, 2}), List.of(Suppression.NONE),
                List.of(-1));
        float[] z = new float[FakeModelWorker.VOCAB];
        canned.logits = new LogitsResult(3, List.of(new VariantLogits(0, 0, Optional.empty(),
                new TreeMap<>(java.util.Map.of(2, z)))));
        assertEquals(1, checked.logits(query).variants().size());

        z[7] = Float.POSITIVE_INFINITY;
        assertInvalid(() -> checked.logits(query), "logit Infinity for token 7 at position 2");
        canned.logits = new LogitsResult(3, List.of(new VariantLogits(0, 0, Optional.empty(), new TreeMap<>())));
        assertInvalid(() -> checked.logits(query), "no logits for position 2");
    }

    @Test
    void tokenizationMustStayInsideTheTextAndVocabulary() {
        FakeModelWorker words = new FakeModelWorker(2, 2) {
            @Override
            public Tokenization tokenize(String text, int[] offsets) {
                return new Tokenization(new int[] {0, 1}, new int[] {0, 0}, new int[] {0, 99}, new int[] {2},
                        List.of("<bos>", "x"));
            }
        };
        assertInvalid(() -> new CheckedModelWorker(words, MODEL).tokenize("short", new int[] {5}),
                "ends at character 99 of a 5-character text");
    }

    private List<AttentionMatrix> collect(AttentionQuery query) {
        List<AttentionMatrix> out = new ArrayList<>();
        checked.attention(query, out::add, ProgressListener.NONE);
        return out;
    }

    private static Nucleus nucleus(int first, int[] ids, float[] logits, float mass) {
        int n = ids.length;
        int[] offsets = new int[n + 1];
        float[] retained = new float[n];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = i + 1;
            retained[i] = mass;
        }
        return new Nucleus(first, offsets, ids, logits, retained);
    }

    private static LogitsResult result(int numTokens, Nucleus... nuclei) {
        List<VariantLogits> variants = new ArrayList<>();
        for (int v = 0; v < nuclei.length; v++) {
            variants.add(new VariantLogits(v, nuclei[v].firstPosition(), Optional.of(nuclei[v]), new TreeMap<>()));
        }
        return new LogitsResult(numTokens, variants);
    }

    private static void assertInvalid(Runnable call, String detail) {
        WorkerException e = assertThrows(WorkerException.class, call::run);
        assertEquals(WorkerException.Kind.CONTRACT_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }
}
