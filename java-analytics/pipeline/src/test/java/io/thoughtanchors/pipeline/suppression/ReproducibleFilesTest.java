package io.thoughtanchors.pipeline.suppression;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.pipeline.cache.AttentionCache;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.pipeline.cache.CacheMetadata;
import io.thoughtanchors.pipeline.cache.Json;
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
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cache and store files are byte-reproducible: the same entry written in another JVM, or from a Describe answer
 * listing its capabilities in another order, has the same bytes (a set's iteration order changes between JVMs).
 */
class ReproducibleFilesTest {

    static final List<String> CAPABILITIES = List.of("attention.pooled", "attention.raw", "logits.full",
            "logits.nucleus", "suppression.all_heads", "suppression.per_head", "tokenize.offsets");

    @TempDir
    Path tmp;

    @Test
    void theSameEntriesHaveTheSameBytesWhateverTheCapabilitiesOrderAndTheJvm() throws Exception {
        write(tmp.resolve("forward"), CAPABILITIES);
        List<String> reversed = new ArrayList<>(CAPABILITIES);
        Collections.reverse(reversed);
        write(tmp.resolve("reversed"), reversed);
        Process other = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Darrow.allocation.manager.type=Unsafe",
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), tmp.resolve("other-jvm").toString())
                .inheritIO().start();
        assertTrue(other.waitFor(60, TimeUnit.SECONDS) && other.exitValue() == 0, "the other JVM wrote its files");

        List<Path> files = files(tmp.resolve("forward"));
        assertEquals(4, files.size(), files.toString());
        for (String copy : List.of("reversed", "other-jvm")) {
            assertEquals(files, files(tmp.resolve(copy)), copy);
            for (Path f : files) {
                assertEquals(-1, Files.mismatch(tmp.resolve("forward").resolve(f), tmp.resolve(copy).resolve(f)),
                        copy + ": " + f + " has the same bytes");
            }
        }
        Path meta = files.stream().filter(f -> f.endsWith("meta.json")).findFirst().orElseThrow();
        JsonNode capabilities = Json.MAPPER.readTree(tmp.resolve("forward").resolve(meta).toFile())
                .get("model").get("capabilities");
        assertEquals(CAPABILITIES, Json.MAPPER.convertValue(capabilities, List.class), "written sorted");
    }

    /** Writes one attention entry and one trace's store files, from a Describe answer listing capabilities so. */
    static void write(Path root, List<String> capabilityOrder) throws IOException {
        ModelInfo model = new ModelInfo("tiny-model", "QwenForCausalLM", 2, 2, 1, List.of(0, 0), 8, 100, 0,
                "float32", "eager", List.of("cpu"), 4096, "1.0", ModelInfo.CONTRACT_VERSION,
                Set.copyOf(capabilityOrder), true, "random weights", 1 << 20);
        TokenRanges ranges = new TokenRanges(new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 3}, new int[] {3, 5},
                20, 5);
        CacheKey key = CacheKey.of(model,
                new CacheKey.Mode(BoundaryMode.OFFSETS, Truncation.NONE, PoolingConvention.RECOMMENDED), "a".repeat(64));
        float[] data = new float[2 * 2 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = i / 16f;
        }
        new AttentionCache(root, w -> { }).store(new CacheMetadata(key, model, ranges, 2, 2, 2), data);
        SuppressionStore store = new SuppressionStore(root, new SuppressionKey(model.modelId(), model.dtype(), model.backend(),
                SentenceSource.ALL_LABELLED, BoundaryMode.OFFSETS, Truncation.NONE, NucleusSpec.REFERENCE, 0.6, false,
                Kernel.MASK, "b".repeat(64)), w -> { });
        store.writeInput(new SuppressionInput(ranges, new int[] {0, 11, 12, 13, 14}), model);
        store.writeBaseline(new Nucleus(0, new int[] {0, 1, 2, 3, 4, 5}, new int[] {1, 2, 3, 4, 5},
                new float[] {1, 2, 3, 4, 5}, new float[] {0.9f, 0.8f, 0.7f, 0.6f, 0.5f}));
        store.writeColumn(new PositionKl(0, new double[] {0, 0.1, 0.2, 0.3, 0.4}, new double[] {0, 1, 2, 3, 4}));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    /** The other JVM. */
    public static final class Writer {
        public static void main(String[] args) throws IOException {
            List<String> reversed = new ArrayList<>(CAPABILITIES);
            Collections.reverse(reversed);
            write(Path.of(args[0]), reversed);
        }
    }
}
