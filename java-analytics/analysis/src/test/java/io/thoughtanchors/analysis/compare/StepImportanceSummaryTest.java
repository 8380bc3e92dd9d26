package io.thoughtanchors.analysis.compare;

import io.thoughtanchors.analysis.TestData;
import io.thoughtanchors.data.SummaryStep;
import io.thoughtanchors.data.Trace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** summary.json is reproduced from step_importance.json (docs/algorithms.md §1.3). */
class StepImportanceSummaryTest {

    static int check(List<Trace> traces) {
        int checked = 0;
        for (Trace t : traces) {
            if (t.stepImportance().isEmpty()) {
                continue;
            }
            StepImportanceSummary s = StepImportanceSummary.of(t.stepImportance().get());
            var pub = t.summary().orElseThrow();
            assertEquals(pub.numChunks(), s.numChunks(), t.id());
            assertEquals(pub.avgImportance(), s.avgImportance(), 1e-15, t.id());
            assertEquals(pub.maxImportance(), s.maxImportance(), 0, t.id());
            assertEquals(pub.minImportance(), s.minImportance(), 0, t.id());
            compareSteps(t, pub.topInfluentialSteps(), s.topInfluential());
            compareSteps(t, pub.topDependentSteps(), s.topDependent());
            checked++;
        }
        return checked;
    }

    static void compareSteps(Trace t, List<SummaryStep> published, List<StepImportanceSummary.Step> ours) {
        assertEquals(published.stream().map(SummaryStep::stepIdx).toList(),
                ours.stream().map(StepImportanceSummary.Step::index).toList(), t.id());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(published.get(i).avgImportance(), ours.get(i).average(), 1e-15, t.id());
            assertEquals(t.chunks().get(ours.get(i).index()), published.get(i).stepChunk(), t.id());
        }
    }

    @Test
    void sampleSummariesAreRecomputed() {
        assertEquals(7, check(TestData.sample()));
    }

    @Tag("devdata")
    @Test
    void sharedSummariesAreRecomputed() {
        List<Trace> traces = TestData.shared();
        assertEquals(traces.size() - 1, check(traces)); // one trace has no step_importance.json
    }

    @Test
    void smallMatrixByHand() {
        double[][] c = {{0, 0.3, -0.1}, {0, 0, 0.2}, {0, 0, 0}};
        StepImportanceSummary s = StepImportanceSummary.of(c);
        assertEquals(0.4 / 9, s.avgImportance(), 1e-15);
        assertEquals(List.of(new StepImportanceSummary.Step(1, 0.2), new StepImportanceSummary.Step(0, 0.1)), s.topInfluential().stream()
                .map(x -> new StepImportanceSummary.Step(x.index(), Math.round(x.average() * 1e12) / 1e12)).toList());
        assertEquals(List.of(1, 2), s.topDependent().stream().map(StepImportanceSummary.Step::index).toList());
        assertTrue(s.topDependent().get(0).average() > s.topDependent().get(1).average());
    }
}
