package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.NucleusSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/algorithms.md §12.8: one backend's stored passes never meet another backend's. */
class SuppressionStoreBackendTest {

    static final TokenRanges RANGES = new TokenRanges(new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 3},
            new int[] {3, 5}, 20, 5);
    static final SuppressionInput INPUT = new SuppressionInput(RANGES, new int[] {0, 11, 12, 13, 14});

    @TempDir
    Path tmp;

    @Test
    void eachBackendHasItsOwnStore() {
        ModelInfo hf = new FakeModelWorker(2, 2).describe();
        ModelInfo lens = FakeModelWorker.withBackend(2, 2, "transformerlens", "lens-1.0").describe();
        SuppressionStore byLens = new SuppressionStore(tmp, key(lens), w -> { });
        byLens.writeInput(INPUT, lens);

        SuppressionStore forHf = new SuppressionStore(tmp, key(hf), w -> { });
        assertTrue(!forHf.dir().equals(byLens.dir()), forHf.dir().toString());
        assertEquals(Optional.empty(), forHf.readInput());
        assertTrue(byLens.readInput().isPresent());
    }

    @Test
    void aStoreAnotherBackendWroteWhereThisOnesBelongsIsDiscardedWholeBaselineAndColumnsIncluded() throws IOException {
        ModelInfo hf = new FakeModelWorker(2, 2).describe();
        ModelInfo lens = FakeModelWorker.withBackend(2, 2, "transformerlens", "lens-1.0").describe();
        // as stores were written before the backend was keyed: transformerlens' passes under hf's key and folder
        SuppressionStore old = new SuppressionStore(tmp, key(hf), w -> { });
        old.writeInput(INPUT, lens);
        old.writeBaseline(new Nucleus(0, new int[] {0, 1, 2, 3, 4, 5}, new int[] {1, 2, 3, 4, 5},
                new float[] {1, 2, 3, 4, 5}, new float[] {0.9f, 0.8f, 0.7f, 0.6f, 0.5f}));
        old.writeColumn(new PositionKl(0, new double[] {0, 0.1, 0.2, 0.3, 0.4}, new double[] {0, 1, 2, 3, 4}));
        List<String> warnings = new ArrayList<>();

        SuppressionStore store = new SuppressionStore(tmp, key(hf), warnings::add);
        assertEquals(Optional.empty(), store.readInput());

        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("holds backend transformerlens's passes, this worker runs backend hf"),
                warnings.get(0));
        try (Stream<Path> left = Files.list(store.dir())) {
            assertEquals(List.of(), left.toList(), "no baseline or column of the other backend is left to be read");
        }
        assertEquals(Optional.empty(), store.readBaseline(5));
    }

    private static SuppressionKey key(ModelInfo model) {
        return new SuppressionKey(model.modelId(), model.dtype(), model.backend(), SentenceSource.ALL_LABELLED,
                BoundaryMode.OFFSETS, Truncation.NONE, NucleusSpec.REFERENCE, 0.6, false, Kernel.MASK, "c".repeat(64));
    }
}
