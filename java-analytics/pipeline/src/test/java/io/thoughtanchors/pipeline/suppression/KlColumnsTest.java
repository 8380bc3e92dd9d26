package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.Nucleus;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A NaN divergence is a hard error naming the position and the pass: a sentence, or a placebo span of one. */
class KlColumnsTest {

    static final int TOKENS = 12;
    // three sentences: [2, 5), [5, 8), [8, 12)
    static final SuppressionInput INPUT = new SuppressionInput(new TokenRanges(new int[] {0, 1, 2}, new int[] {0, 1, 2},
            new int[] {2, 5, 8}, new int[] {5, 8, 12}, 60, TOKENS), new int[TOKENS]);

    /** One kept token per position, all mass on it. */
    static Nucleus baseline() {
        int[] offsets = new int[TOKENS + 1];
        Arrays.setAll(offsets, t -> t);
        float[] mass = new float[TOKENS];
        Arrays.fill(mass, 1f);
        return new Nucleus(0, offsets, new int[TOKENS], new float[TOKENS], mass);
    }

    static PositionKl column(int j, int nanAt) {
        double[] kappa = new double[TOKENS];
        Arrays.fill(kappa, 1e-3);
        kappa[nanAt] = Double.NaN;
        return new PositionKl(j, kappa, kappa.clone());
    }

    @Test
    void aNanInASentencesPassNamesTheSentence() {
        PipelineException e = assertThrows(PipelineException.class, () -> KlColumns.matrix("t", baseline(), INPUT,
                new PositionKl[] {column(1, 9)}, SuppressionOptions.REFERENCE));
        assertEquals(PipelineException.Kind.WORKER, e.kind());
        assertTrue(e.getMessage().contains("at position 9 with sentence 1 suppressed"), e.getMessage());
    }

    @Test
    void aNanInAPlaceboPassNamesTheSpanAndItsSentence() {
        PlaceboSpans.Span span = new PlaceboSpans.Span(2, 0, 1, 3, 7);
        PipelineException e = assertThrows(PipelineException.class, () -> KlColumns.placeboCells("t", baseline(),
                INPUT, List.of(span), new PositionKl[] {column(2, 10)}, SuppressionOptions.REFERENCE));
        assertTrue(e.getMessage().contains("at position 10 with the placebo span [3, 7) of sentence 2 suppressed"),
                e.getMessage());
    }
}
