package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What kind a failure is: a bug is INTERNAL (with its stack trace in run.log), a named data problem BAD_INPUT. */
class FailureKindsTest {

    static final Path SAMPLE = Path.of("../../data/thought-anchors-sample/deepseek-r1-distill-qwen-14b");

    @TempDir
    Path tmp;

    /** Throws from inside the analysis, as a bug there would: the listener is called for each trace it scores. */
    record BuggyListener(RuntimeException bug) implements PipelineListener {
        @Override
        public void progressed(Stage stage, long done, long total, String item) {
            if (stage == Stage.ANALYSIS) {
                throw bug;
            }
        }
    }

    @Test
    void anIllegalStateExceptionInsideTheAnalysisIsInternalWithItsStackTraceInRunLog() throws IOException {
        PipelineException e = receivers(new BuggyListener(new IllegalStateException("a bug in the scoring")));

        assertEquals(PipelineException.Kind.INTERNAL, e.kind(), e.getMessage());
        assertEquals(tmp.resolve("out/run.log").toAbsolutePath(), e.log().orElseThrow());
        String log = Files.readString(e.log().orElseThrow());
        assertTrue(log.contains("java.lang.IllegalStateException: a bug in the scoring"), log);
        assertTrue(log.contains("at io.thoughtanchors.analysis.ReceiverHeadAnalysis"), "the analysis' frames: " + log);
        assertFalse(Files.exists(tmp.resolve("out/run.json")));
    }

    @Test
    void anIllegalArgumentExceptionInsideTheAnalysisIsInternalToo() {
        PipelineException e = receivers(new BuggyListener(new IllegalArgumentException("a bad index")));

        assertEquals(PipelineException.Kind.INTERNAL, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("internal error: java.lang.IllegalArgumentException")
                && e.getMessage().contains("a bad index"), e.getMessage());
    }

    @Test
    void nanKurtosisUnderAPolicyThatRefusesItIsBadInputNamingTraceAndHead() {
        FakeModelWorker fake = new FakeModelWorker(3, 4);
        fake.flatHead = true;
        PipelineException e = assertThrows(PipelineException.class, () -> pipeline(fake, PipelineListener.NONE)
                .receivers(request().withProfile(Profile.REF_HEAD)));

        assertEquals(PipelineException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("NaN kurtosis in trace") && e.getMessage().contains("layer 0 head 0")
                && e.getMessage().contains("--nan-heads FAIL"), e.getMessage());
    }

    private PipelineException receivers(PipelineListener listener) {
        return assertThrows(PipelineException.class, () -> pipeline(new FakeModelWorker(3, 4), listener)
                .receivers(request()));
    }

    private ReceiversRequest request() {
        return ReceiversRequest.of(SAMPLE, tmp.resolve("out")).withCache(tmp.resolve("cache"))
                .withWorker(WorkerTarget.remote("fake:1"));
    }

    private static Pipeline pipeline(FakeModelWorker fake, PipelineListener listener) {
        return Pipeline.create().withConnector(target -> fake).withListener(listener);
    }
}
