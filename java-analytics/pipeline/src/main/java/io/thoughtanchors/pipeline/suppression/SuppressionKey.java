package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.worker.NucleusSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one trace's stored suppression results depend on: the model and dtype, the choices that shape the token
 * ranges (sentence source, boundary mode, truncation), the nucleus the worker compresses to, the KL temperature,
 * whether passes reuse the baseline prefix, and the text with its sentences. KL mode, log, alignment and row
 * normalisation are not in the key: they are applied in Java to the stored per-position divergences.
 */
public record SuppressionKey(String modelId, String dtype, SentenceSource sentenceSource, BoundaryMode boundaryMode,
                      Truncation truncation, NucleusSpec nucleus, double klTemperature, boolean fullRecompute,
                      String textSha256) {

    /** {@code suppression/<model>/<dtype>/<source>-<boundary>-<truncation>/<nucleus and KL>/<text id>}. */
    public Path relativePath() {
        return Path.of("suppression", CacheKey.slug(modelId), CacheKey.slug(dtype),
                sentenceSource + "-" + boundaryMode + "-" + truncation, settingsFolder(), textSha256.substring(0, 16));
    }

    private String settingsFolder() {
        return String.format(Locale.ROOT, "p%s-k%d-t%s-%s-kl%s-%s", nucleus.topP(), nucleus.maxK(),
                nucleus.temperature(), nucleus.roundToFloat16() ? "f16" : "f32", klTemperature,
                fullRecompute ? "full" : "reuse");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", modelId);
        m.put("dtype", dtype);
        m.put("sentence_source", sentenceSource.name());
        m.put("boundary_mode", boundaryMode.name());
        m.put("truncation", truncation.name());
        m.put("nucleus", nucleus);
        m.put("kl_temperature", klTemperature);
        m.put("full_recompute", fullRecompute);
        m.put("text_sha256", textSha256);
        return m;
    }
}
