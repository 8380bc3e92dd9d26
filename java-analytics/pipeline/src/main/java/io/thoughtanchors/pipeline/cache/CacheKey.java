package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What one trace's cached pooled attention depends on: the model, its weight dtype and the worker backend that runs
 * it, the client choices that shape the token ranges (boundary mode, truncation, pooling convention) and the text
 * with its sentences (docs/algorithms.md §4.5). Its file is
 * {@code <model>/<dtype>/<boundary>-<truncation>-<pooling>/<text id>.arrow} under the cache root for the {@code hf}
 * backend (the folder it had before the backend was part of the key) and
 * {@code <model>/<dtype>-<backend>/...} for any other, so the entries of one model and mode can be found without
 * asking a worker and one backend's entries are never served to another.
 */
public record CacheKey(String modelId, String dtype, String backend, Mode mode, String textSha256) {

    /** The key of {@code model}'s entry for a text. */
    public static CacheKey of(ModelInfo model, Mode mode, String textSha256) {
        return new CacheKey(model.modelId(), model.dtype(), model.backend(), mode, textSha256);
    }

    /** The client choices that shape the token ranges and the pooled matrices. */
    public record Mode(BoundaryMode boundaryMode, Truncation truncation, PoolingConvention pooling) {

        public String folderName() {
            return boundaryMode + "-" + truncation + "-" + pooling;
        }
    }

    /** HEAD's text id in full: SHA-256 (hex) of UTF-8 {@code text + "|||" + "|||".join(sentences)}. */
    public static String textSha256(String text, List<String> sentences) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((text + "|||" + String.join("|||", sentences)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** File name of a text's entry: the first 16 hex digits of its hash, as HEAD names its folders. */
    static String fileName(String textSha256) {
        return textSha256.substring(0, 16) + ".arrow";
    }

    public Path relativePath() {
        return Path.of(slug(modelId), slug(dtype) + backendSuffix(backend), mode.folderName(), fileName(textSha256));
    }

    /** What a backend adds to a folder name: nothing for the default backend, {@code -<backend>} for any other. */
    public static String backendSuffix(String backend) {
        return backend.equals(ModelInfo.DEFAULT_BACKEND) ? "" : "-" + slug(backend);
    }

    /** Model ids may hold '/' (HF ids); the metadata keeps the exact id. */
    public static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
