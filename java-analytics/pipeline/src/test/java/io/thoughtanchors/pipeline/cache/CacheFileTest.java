package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.worker.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheFileTest {

    static final CacheKey.Mode MODE = new CacheKey.Mode(BoundaryMode.OFFSETS, Truncation.NONE, PoolingConvention.RECOMMENDED);
    static final ModelInfo MODEL = new FakeModelWorker(2, 3).describe();

    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsMatricesNaNAndMetadata() throws IOException {
        CacheMetadata meta = metadata("a".repeat(64));
        float[] data = new float[2 * 3 * 4 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 7 == 0 ? Float.NaN : i / 10f;
        }
        Path file = tmp.resolve("entry.arrow");

        CacheFile.write(file, meta, data);

        assertEquals(meta.key(), CacheFile.readMetadata(file).key());
        assertEquals(MODEL, CacheFile.readMetadata(file).model());
        assertArrayEquals(meta.ranges().end(), CacheFile.readMetadata(file).ranges().end());
        assertArrayEquals(data, CacheFile.readMatrices(file, meta));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "the temporary file was renamed, not left behind");
        }
    }

    @Test
    void lookupRejectsAnEntryWrittenForAnotherKey() {
        List<String> warnings = new ArrayList<>();
        AttentionCache cache = new AttentionCache(tmp, warnings::add);
        CacheMetadata meta = metadata("b".repeat(64));
        cache.store(meta, new float[2 * 3 * 16]);
        CacheKey otherText = CacheKey.of(MODEL, MODE, "b".repeat(16) + "c".repeat(48));

        assertEquals(Optional.of(meta.key()), cache.lookup(meta.key()).map(CacheMetadata::key));
        assertEquals(Optional.empty(), cache.lookup(otherText), "same file name, different full hash");
        assertTrue(warnings.get(0).contains("text hash"), warnings.toString());
    }

    @Test
    void anEntryOneBackendComputedIsNeverServedForAnother() throws IOException {
        List<String> warnings = new ArrayList<>();
        AttentionCache cache = new AttentionCache(tmp, warnings::add);
        ModelInfo lens = FakeModelWorker.withBackend(2, 3, "transformerlens", "lens-1.0").describe();
        CacheMetadata byLens = metadata(lens, "1".repeat(64));
        CacheKey forHf = CacheKey.of(MODEL, MODE, "1".repeat(64));
        cache.store(byLens, new float[2 * 3 * 16]);

        assertEquals("hf", MODEL.backend(), "a worker that declares no backend ran the only one there was");
        assertEquals(Path.of("fake-model", "float32-transformerlens", MODE.folderName(), "1".repeat(16) + ".arrow"),
                byLens.key().relativePath());
        assertEquals(Path.of("fake-model", "float32", MODE.folderName(), "1".repeat(16) + ".arrow"),
                forHf.relativePath(), "hf keeps the folder entries had before the backend was keyed");
        assertEquals(Optional.of(byLens.key()), cache.lookup(byLens.key()).map(CacheMetadata::key));
        assertEquals(Optional.empty(), cache.lookup(forHf));
        assertEquals(List.of(), warnings, "simply not there");
        assertEquals(List.of(lens), cache.modelsCovering(List.of("1".repeat(64)), MODE, Optional.empty()));

        // an entry transformerlens wrote where hf's belongs (as before the backend was keyed) is refused by its metadata
        Files.createDirectories(cache.pathOf(forHf).getParent());
        Files.copy(cache.pathOf(byLens.key()), cache.pathOf(forHf));
        assertEquals(Optional.empty(), cache.lookup(forHf));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("backend transformerlens's numbers, expected backend hf"), warnings.get(0));
    }

    @Test
    void metadataWhoseBackendIsNotItsModelsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CacheMetadata(new CacheKey(MODEL.modelId(),
                MODEL.dtype(), "transformerlens", MODE, "2".repeat(64)), MODEL, metadata("2".repeat(64)).ranges(), 2, 3, 4));
    }

    @Test
    void modelsCoveringFindsTheModelOnlyWhenEveryTextIsCached() {
        AttentionCache cache = new AttentionCache(tmp, w -> { });
        cache.store(metadata("d".repeat(64)), new float[2 * 3 * 16]);

        assertEquals(List.of(MODEL), cache.modelsCovering(List.of("d".repeat(64)), MODE, Optional.empty()));
        assertEquals(List.of(), cache.modelsCovering(List.of("d".repeat(64), "e".repeat(64)), MODE, Optional.empty()));
        assertEquals(List.of(), cache.modelsCovering(List.of("d".repeat(64)), MODE, Optional.of("other-model")));
    }

    @Test
    void anEntryWithOneChangedMatrixValueIsRefusedAndLookupDiscardsItInOneLine() throws IOException {
        CacheMetadata meta = metadata("f".repeat(64));
        float[] data = new float[2 * 3 * 16];
        Arrays.fill(data, 0.25f);
        List<String> warnings = new ArrayList<>();
        AttentionCache cache = new AttentionCache(tmp, warnings::add);
        cache.store(meta, data);
        Path file = cache.pathOf(meta.key());
        assertArrayEquals(data, CacheFile.readMatrices(file, meta));

        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, new byte[] {0, 0, (byte) 0x80, 0x3E, 0, 0, (byte) 0x80, 0x3E}); // 0.25f, 0.25f
        bytes[at + 2] = (byte) 0x90; // the first value becomes 0.28125f: same size, still a valid Arrow file
        Files.write(file, bytes);
        assertEquals(meta.key(), CacheFile.readMetadata(file).key(), "the metadata still reads");

        assertThrows(DamagedEntryException.class, () -> CacheFile.readMatrices(file, meta));
        assertEquals(Optional.empty(), cache.lookup(meta.key()));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(file + " is damaged: content checksum"), warnings.get(0));
        assertFalse(Files.exists(file), "discarded");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found");
    }

    private static CacheMetadata metadata(String textSha) {
        return metadata(MODEL, textSha);
    }

    private static CacheMetadata metadata(ModelInfo model, String textSha) {
        TokenRanges ranges = new TokenRanges(new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, -1}, new int[] {1, 3, 5, 5}, new int[] {3, 5, 5, 9},
                40, 9);
        return new CacheMetadata(CacheKey.of(model, MODE, textSha), model, ranges, 2, 3, 4);
    }
}
