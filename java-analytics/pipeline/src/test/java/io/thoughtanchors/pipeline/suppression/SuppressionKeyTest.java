package io.thoughtanchors.pipeline.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.NucleusSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class SuppressionKeyTest {

    private static SuppressionKey key(Kernel kernel) {
        return key("hf", kernel);
    }

    private static SuppressionKey key(String backend, Kernel kernel) {
        return new SuppressionKey("tiny-qwen2", "float32", backend, SentenceSource.ALL_LABELLED, BoundaryMode.OFFSETS,
                Truncation.NONE, NucleusSpec.REFERENCE, 0.6, false, kernel, "a".repeat(64));
    }

    @Test
    void theMaskKernelKeepsThePathStoresHadBeforeTheKernelWasASetting() {
        assertEquals(Path.of("suppression", "tiny-qwen2", "float32", "ALL_LABELLED-OFFSETS-NONE",
                "p0.9999-k100-t0.6-f16-kl0.6-reuse", "a".repeat(16)), key(Kernel.MASK).relativePath());
        assertFalse(key(Kernel.MASK).toJson().containsKey("kernel"));
        assertFalse(key(Kernel.MASK).toJson().containsKey("backend"), "nor before the backend was");
    }

    @Test
    void anotherBackendsPassesAreStoredApart() {
        SuppressionKey lens = key("transformerlens", Kernel.MASK);
        assertEquals(Path.of("suppression", "tiny-qwen2", "float32-transformerlens", "ALL_LABELLED-OFFSETS-NONE",
                "p0.9999-k100-t0.6-f16-kl0.6-reuse", "a".repeat(16)), lens.relativePath());
        assertEquals("transformerlens", lens.toJson().get("backend"));
    }

    @Test
    void monkeypatchPassesAreStoredApartFromMaskPasses() {
        assertNotEquals(key(Kernel.MASK).relativePath(), key(Kernel.MONKEYPATCH).relativePath());
        assertEquals("p0.9999-k100-t0.6-f16-kl0.6-reuse-monkeypatch",
                key(Kernel.MONKEYPATCH).relativePath().getParent().getFileName().toString());
        assertEquals("MONKEYPATCH", key(Kernel.MONKEYPATCH).toJson().get("kernel"));
    }
}
