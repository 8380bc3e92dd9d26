package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.text.BoundaryMode;
import io.thoughtanchors.analysis.text.SentenceSource;
import io.thoughtanchors.analysis.text.Truncation;
import io.thoughtanchors.pipeline.cache.CacheKey;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.NucleusSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one trace's stored suppression results depend on: the model, its dtype and the worker backend that runs it
 * (docs/algorithms.md §12.8: a column computed by one backend must never meet another backend's baseline), the choices that shape the token
 * ranges (sentence source, boundary mode, truncation), the nucleus the worker compresses to, the KL temperature,
 * whether passes reuse the baseline prefix, the worker's attention kernel, and the text with its sentences. KL mode, log, alignment and row
 * normalisation are not in the key: they are applied in Java to the stored per-position divergences.
 */
public record SuppressionKey(String modelId, String dtype, String backend, SentenceSource sentenceSource, BoundaryMode boundaryMode,
                      Truncation truncation, NucleusSpec nucleus, double klTemperature, boolean fullRecompute,
                      Kernel kernel, String textSha256) {

    /**
     * {@code suppression/<model>/<dtype>/<source>-<boundary>-<truncation>/<nucleus and KL>/<text id>}; the default
     * MASK kernel adds nothing to the settings folder (stores written before the kernel was a setting stay valid),
     * MONKEYPATCH adds {@code -monkeypatch}; likewise the default {@code hf} backend adds nothing to the dtype
     * folder and any other {@code -<backend>} ({@link CacheKey#backendSuffix}).
     */
    public Path relativePath() {
        return Path.of("suppression", CacheKey.slug(modelId), CacheKey.slug(dtype) + CacheKey.backendSuffix(backend),
                sentenceSource + "-" + boundaryMode + "-" + truncation, settingsFolder(), textSha256.substring(0, 16));
    }

    private String settingsFolder() {
        return String.format(Locale.ROOT, "p%s-k%d-t%s-%s-kl%s-%s", nucleus.topP(), nucleus.maxK(),
                nucleus.temperature(), nucleus.roundToFloat16() ? "f16" : "f32", klTemperature,
                fullRecompute ? "full" : "reuse") + (kernel == Kernel.MASK ? "" : "-" + kernel.name().toLowerCase(Locale.ROOT));
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", modelId);
        m.put("dtype", dtype);
        if (!backend.equals(ModelInfo.DEFAULT_BACKEND)) {  // hf stores written before the backend was keyed stay valid
            m.put("backend", backend);
        }
        m.put("sentence_source", sentenceSource.name());
        m.put("boundary_mode", boundaryMode.name());
        m.put("truncation", truncation.name());
        m.put("nucleus", nucleus);
        m.put("kl_temperature", klTemperature);
        m.put("full_recompute", fullRecompute);
        if (kernel != Kernel.MASK) {
            m.put("kernel", kernel.name());
        }
        m.put("text_sha256", textSha256);
        return m;
    }
}
