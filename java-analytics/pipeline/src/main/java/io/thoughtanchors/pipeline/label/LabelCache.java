package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thoughtanchors.data.AtomicFiles;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.pipeline.cache.Checksums;
import io.thoughtanchors.pipeline.cache.DamagedEntryException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Labels already paid for, one checksummed JSON file per (problem, sentence list, labeller, prompt version) under
 * {@code <root>/labels/<prompt version>/<backend>/<model>/<key>.json}. Entries are written atomically and checked when
 * read (checksum, key, and the labels against the same rules as a fresh answer), so a damaged entry is reported and
 * relabelled, never used.
 */
public final class LabelCache {

    static final String FORMAT = "ta-label-cache/1";

    private final Path root;

    public LabelCache(Path cacheRoot) {
        this.root = cacheRoot.resolve("labels");
    }

    /** SHA-256 (hex) over every input of a labelling, each part length-prefixed so that no two inputs collide. */
    public static String key(LabelInput input, Labeller labeller) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> parts = new ArrayList<>(List.of(labeller.promptVersion(), labeller.backend(), labeller.model(),
                    input.problem()));
            parts.addAll(input.sentences());
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public Path file(LabelInput input, Labeller labeller) {
        return root.resolve(CacheKey.slug(labeller.promptVersion())).resolve(CacheKey.slug(labeller.backend()))
                .resolve(CacheKey.slug(labeller.model())).resolve(key(input, labeller).substring(0, 32) + ".json");
    }

    /**
     * The cached labels, if there is an entry.
     *
     * @throws DamagedEntryException if the entry is damaged or belongs to other inputs
     */
    public Optional<List<SentenceLabel>> find(LabelInput input, Labeller labeller) throws IOException {
        Path file = file(input, labeller);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ObjectNode entry = Checksums.openJson(file);
        if (!FORMAT.equals(entry.path("format").asText()) || !key(input, labeller).equals(entry.path("key").asText())) {
            throw new DamagedEntryException(file, "written for other inputs or in another format");
        }
        try {
            return Optional.of(LabelResponseParser.parse(entry.path("answer").toString(), input));
        } catch (InvalidLabelsException e) {
            throw new DamagedEntryException(file, e.getMessage());
        }
    }

    public Path store(LabelInput input, Labeller labeller, List<SentenceLabel> labels) throws IOException {
        List<Map<String, Object>> sentences = new ArrayList<>();
        for (SentenceLabel l : labels) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", l.sentenceIndex());
            s.put("function_tags", l.functionTags().stream().map(Category::wireName).toList());
            s.put("depends_on", l.dependsOn());
            sentences.add(s);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("format", FORMAT);
        entry.put("key", key(input, labeller));
        entry.put("labeller", labeller.toMap());
        entry.put("answer", Map.of("sentences", sentences));
        Path file = file(input, labeller);
        AtomicFiles.writeString(file, Checksums.sealJson(entry));
        return file;
    }

    /** For messages: the root the entries are under. */
    public Path root() {
        return root;
    }
}
