package io.thoughtanchors.pipeline.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.worker.ModelInfo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The schema metadata of a cache file: its key, the model's Describe answer (so a run without a worker can
 * report the model), the trace's token ranges (so it needs no tokeniser) and the matrix shape.
 *
 * @param size side of each pooled matrix: the number of ranges requested from the worker
 */
public record CacheMetadata(CacheKey key, ModelInfo model, TokenRanges ranges, int layers, int heads, int size) {

    static final String FORMAT = "ta-pooled-attention/2";

    public CacheMetadata {
        if (layers < 1 || heads < 1 || size < 1) {
            throw new IllegalArgumentException("bad shape " + layers + "x" + heads + "x" + size + "x" + size);
        }
        if (layers != model.numLayers() || heads != model.numQueryHeads()) {
            throw new IllegalArgumentException(layers + " layers x " + heads + " heads, but its model has "
                    + model.numLayers() + " x " + model.numQueryHeads());
        }
        if (!key.backend().equals(model.backend())) {
            throw new IllegalArgumentException("key backend " + key.backend() + ", but its model was run by "
                    + model.backend());
        }
        if (size != key.mode().pooling().requestRanges(ranges).length) {
            throw new IllegalArgumentException("matrix side " + size + " does not match the " + ranges.size()
                    + " token ranges under " + key.mode().pooling());
        }
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("model_id", key.modelId());
        m.put("dtype", key.dtype());
        m.put("backend", key.backend());
        m.put("boundary_mode", key.mode().boundaryMode().name());
        m.put("truncation", key.mode().truncation().name());
        m.put("pooling", key.mode().pooling().name());
        m.put("text_sha256", key.textSha256());
        m.put("layers", Integer.toString(layers));
        m.put("heads", Integer.toString(heads));
        m.put("n", Integer.toString(size));
        m.put("model_info", Json.write(model));
        m.put("token_ranges", Json.write(ranges));
        return m;
    }

    /** @throws IllegalArgumentException naming the field that is missing or malformed */
    static CacheMetadata fromMap(Map<String, String> m) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException("format is " + m.get("format") + ", expected " + FORMAT);
        }
        ModelInfo model = parse(m, "model_info", ModelInfo.class);
        // entries written before the backend was part of the key name it only in the model's Describe answer
        CacheKey key = new CacheKey(field(m, "model_id"), field(m, "dtype"), m.getOrDefault("backend", model.backend()),
                new CacheKey.Mode(BoundaryMode.valueOf(field(m, "boundary_mode")),
                        Truncation.valueOf(field(m, "truncation")), PoolingConvention.valueOf(field(m, "pooling"))),
                field(m, "text_sha256"));
        return new CacheMetadata(key, model, parse(m, "token_ranges", TokenRanges.class),
                Integer.parseInt(field(m, "layers")), Integer.parseInt(field(m, "heads")), Integer.parseInt(field(m, "n")));
    }

    /** Why this entry cannot stand for {@code expected}, if it cannot. */
    Optional<String> mismatch(CacheKey expected) {
        if (!key.modelId().equals(expected.modelId())) {
            return Optional.of("model " + key.modelId() + ", expected " + expected.modelId());
        }
        if (!key.dtype().equals(expected.dtype())) {
            return Optional.of("dtype " + key.dtype() + ", expected " + expected.dtype());
        }
        if (!key.backend().equals(expected.backend())) {
            return Optional.of("backend " + key.backend() + "'s numbers, expected backend " + expected.backend());
        }
        if (!key.mode().equals(expected.mode())) {
            return Optional.of("mode " + key.mode().folderName() + ", expected " + expected.mode().folderName());
        }
        if (!key.textSha256().equals(expected.textSha256())) {
            return Optional.of("text hash " + key.textSha256() + ", expected " + expected.textSha256());
        }
        return Optional.empty();
    }

    private static String field(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null) {
            throw new IllegalArgumentException("metadata field " + name + " is missing");
        }
        return v;
    }

    private static <T> T parse(Map<String, String> m, String name, Class<T> type) {
        try {
            return Json.MAPPER.readValue(field(m, name), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata field " + name + " is malformed: " + e.getOriginalMessage(), e);
        }
    }
}
