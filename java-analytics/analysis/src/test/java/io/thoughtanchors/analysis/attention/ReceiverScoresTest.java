package io.thoughtanchors.analysis.attention;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ReceiverScoresTest {
    static final double NaN = Double.NaN;

    @Test
    void meanPropagatesNaNNanmeanSkipsIt() {
        double[][] scores = {{1, 2, 3}, {3, NaN, 5}, {100, 100, 100}};
        List<Head> sel = List.of(new Head(0, 0), new Head(0, 1));
        assertArrayEquals(new double[] {2, NaN, 4}, ReceiverScores.compute(scores, 3, sel, HeadAggregate.MEAN, 0), 0);
        assertArrayEquals(new double[] {2, 2, 4}, ReceiverScores.compute(scores, 3, sel, HeadAggregate.NANMEAN, 0), 0);
        assertArrayEquals(new double[] {2, 2, NaN}, ReceiverScores.compute(scores, 3, sel, HeadAggregate.NANMEAN, 1), 0);
    }
}
