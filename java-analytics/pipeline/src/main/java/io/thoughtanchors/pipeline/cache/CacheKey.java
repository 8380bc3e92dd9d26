package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.analysis.attention.PoolingConvention;
import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.Truncation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What one trace's cached pooled attention depends on: the model and its weight dtype, the client choices that
 * shape the token ranges (boundary mode, truncation, pooling convention) and the text with its sentences
 * (docs/algorithms.md §4.5). Its file is {@code <model>/<dtype>/<boundary>-<truncation>-<pooling>/<text id>.arrow} under the
 * cache root, so the entries of one model and mode can be found without asking a worker.
 */
public record CacheKey(String modelId, String dtype, Mode mode, String textSha256) {

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
        return Path.of(slug(modelId), slug(dtype), mode.folderName(), fileName(textSha256));
    }

    /** Model ids may hold '/' (HF ids); the metadata keeps the exact id. */
    public static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
