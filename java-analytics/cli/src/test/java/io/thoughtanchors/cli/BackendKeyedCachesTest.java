package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.FakeModelWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/algorithms.md §4.5 and §12.8: the attention cache and the suppression store are keyed by the worker's backend,
 * so what one backend computed is never served to another; the backend library's version is recorded and a
 * different one is said, not keyed.
 */
class BackendKeyedCachesTest {

    static final int LAYERS = 3;
    static final int HEADS = 4;

    @TempDir
    Path tmp;

    @Test
    void receiversRecomputeUnderAnotherBackendAndSayWhenOnlyTheLibraryVersionChanged() {
        FakeModelWorker hf = worker("hf", "transformers-5.17.0");
        CliRun first = receivers(hf, "first");
        assertEquals(0, first.status(), first.transcript());
        assertEquals(3, hf.attentionCalls);

        FakeModelWorker lens = worker("transformerlens", "transformer_lens-3.0.0");
        CliRun other = receivers(lens, "other");
        assertEquals(0, other.status(), other.transcript());
        assertEquals(3, lens.attentionCalls, "hf's entries are not transformerlens' numbers");
        assertFalse(other.err().contains("computed with"), other.err());

        FakeModelWorker upgraded = worker("hf", "transformers-5.18.0");
        CliRun again = receivers(upgraded, "again");
        assertEquals(0, again.status(), again.transcript());
        assertEquals(0, upgraded.attentionCalls, "the same backend's entries are used");
        assertTrue(again.err().contains("computed with transformers-5.17.0; the worker runs transformers-5.18.0"),
                again.err());
    }

    @Test
    void theSuppressionStoreOfOneBackendIsNotResumedByAnother() {
        FakeModelWorker hf = worker("hf", "transformers-5.17.0");
        CliRun first = matrix(hf, "first");
        assertEquals(0, first.status(), first.transcript());
        assertEquals(1 + SuppressionMatrixCommandTest.SENTENCES, hf.variantsRequested.get());

        FakeModelWorker lens = worker("transformerlens", "transformer_lens-3.0.0");
        CliRun other = matrix(lens, "other");
        assertEquals(0, other.status(), other.transcript());
        assertEquals(1 + SuppressionMatrixCommandTest.SENTENCES, lens.variantsRequested.get(),
                "a baseline and every column again");

        FakeModelWorker hfAgain = worker("hf", "transformers-5.17.0");
        CliRun again = matrix(hfAgain, "again");
        assertEquals(0, again.status(), again.transcript());
        assertEquals(0, hfAgain.variantsRequested.get(), "hf's own store is still there, untouched by the other run");
    }

    private static FakeModelWorker worker(String backend, String version) {
        return FakeModelWorker.withBackend(LAYERS, HEADS, backend, version);
    }

    private CliRun receivers(FakeModelWorker fake, String out) {
        return run(fake, "receivers", "--data", ReceiversCommandTest.SAMPLE.toString(), "--out",
                tmp.resolve(out).toString());
    }

    private CliRun matrix(FakeModelWorker fake, String out) {
        return run(fake, "suppression-matrix", "--data", SuppressionMatrixCommandTest.TRACE.toString(), "--out",
                tmp.resolve(out).toString());
    }

    private CliRun run(FakeModelWorker fake, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--worker", "fake:1", "--cache", tmp.resolve("cache").toString(), "--no-progress"));
        return CliRun.of(target -> fake, all.toArray(String[]::new));
    }
}
