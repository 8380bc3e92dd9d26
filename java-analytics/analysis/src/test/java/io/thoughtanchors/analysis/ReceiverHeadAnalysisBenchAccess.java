package io.thoughtanchors.analysis;

import java.util.List;

/** Gives the benchmark package the test's synthetic 14B-shaped inputs. */
public final class ReceiverHeadAnalysisBenchAccess {
    private ReceiverHeadAnalysisBenchAccess() {
    }

    public static List<ReceiverHeadAnalysis.TraceInput> fourteenBShape() {
        return ReceiverHeadAnalysisTest.fourteenBShape();
    }
}
