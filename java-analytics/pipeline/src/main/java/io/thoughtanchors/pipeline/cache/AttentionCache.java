package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.worker.ModelInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The folder of {@link CacheFile}s, one per (model, dtype, mode, text); see {@link CacheKey} for the layout. */
public final class AttentionCache {

    /**
     * The cache root every command uses: --cache if given, else .ta-cache beside the output folder (so deleting or
     * overwriting results keeps the cache), else in the working folder when a command writes no output folder.
     */
    public static Path root(Path option, Path outputDir) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        if (outputDir == null || outputDir.getParent() == null) {
            return (outputDir == null ? Path.of("").toAbsolutePath() : outputDir).resolve(".ta-cache");
        }
        return outputDir.getParent().resolve(".ta-cache");
    }

    private final Path root;
    private final Consumer<String> warnings;

    /** @param warnings receives one line per entry that is unreadable or describes something else */
    public AttentionCache(Path root, Consumer<String> warnings) {
        this.root = root.toAbsolutePath().normalize();
        this.warnings = warnings;
    }

    public Path root() {
        return root;
    }

    public Path pathOf(CacheKey key) {
        return root.resolve(key.relativePath());
    }

    /**
     * The entry for {@code key}, if one exists, describes that key and is intact (the whole file is read and its
     * checksum checked); otherwise it is to be recomputed. A damaged entry is reported in one line and deleted.
     */
    public Optional<CacheMetadata> lookup(CacheKey key) {
        Path file = pathOf(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            CacheMetadata meta = CacheFile.readMetadata(file);
            Optional<String> mismatch = meta.mismatch(key);
            if (mismatch.isPresent()) {
                warnings.accept("cache entry " + file + " holds " + mismatch.get() + "; recomputing it");
                return Optional.empty();
            }
            CacheFile.verify(file, meta);
            return Optional.of(meta);
        } catch (IllegalArgumentException e) {
            discard(file, "cache entry " + file + " describes no entry (" + e.getMessage() + ")");
            return Optional.empty();
        } catch (IOException e) {
            discard(file, e instanceof DamagedEntryException ? e.getMessage()
                    : "cache entry " + file + " is unreadable (" + e + ")");
            return Optional.empty();
        }
    }

    private void discard(Path file, String reason) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw PipelineException.output("cannot delete the damaged cache entry " + file + ": " + e, e);
        }
        warnings.accept(reason + "; discarded, recomputing it");
    }

    public void store(CacheMetadata meta, float[] data) {
        Path file = pathOf(meta.key());
        try {
            CacheFile.write(file, meta, data);
        } catch (IOException e) {
            throw PipelineException.output("cannot write cache entry " + file + ": " + e, e);
        }
    }

    /** An entry {@link #lookup} found or {@link #store} wrote, checked again as it is read. */
    public float[] load(CacheMetadata meta) {
        Path file = pathOf(meta.key());
        try {
            return CacheFile.readMatrices(file, meta);
        } catch (DamagedEntryException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the failure below says what matters
            }
            throw PipelineException.output(e.getMessage() + " (it changed after it was checked); discarded, a"
                    + " rerun recomputes it", e);
        } catch (IOException e) {
            throw PipelineException.output("cannot read cache entry " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The models (with dtype and backend) under which every one of {@code textShas} is cached in {@code mode}, optionally only
     * {@code modelId}'s: what a run without a worker can use. Entries are checked, not trusted by their path.
     */
    public List<ModelInfo> modelsCovering(List<String> textShas, CacheKey.Mode mode, Optional<String> modelId) {
        List<ModelInfo> models = new ArrayList<>();
        for (Path dtypeDir : subfolders(root).stream().flatMap(m -> subfolders(m).stream()).toList()) {
            Path modeDir = dtypeDir.resolve(mode.folderName());
            boolean allPresent = textShas.stream().allMatch(t -> Files.isRegularFile(modeDir.resolve(CacheKey.fileName(t))));
            if (textShas.isEmpty() || !allPresent) {
                continue;
            }
            Optional<CacheMetadata> first = readQuietly(modeDir.resolve(CacheKey.fileName(textShas.get(0))));
            if (first.isEmpty() || modelId.isPresent() && !modelId.get().equals(first.get().key().modelId())) {
                continue;
            }
            CacheKey template = first.get().key();
            boolean all = textShas.stream().allMatch(t -> readQuietly(modeDir.resolve(CacheKey.fileName(t)))
                    .map(m -> m.mismatch(new CacheKey(template.modelId(), template.dtype(), template.backend(), mode, t))
                            .isEmpty())
                    .orElse(false));
            if (all) {
                models.add(first.get().model());
            }
        }
        return models;
    }

    private static Optional<CacheMetadata> readQuietly(Path file) {
        try {
            return Optional.of(CacheFile.readMetadata(file));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<Path> subfolders(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
