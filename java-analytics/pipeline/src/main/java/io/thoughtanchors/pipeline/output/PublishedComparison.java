package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.analysis.stats.Correlation;
import io.thoughtanchors.analysis.stats.CorrelationResult;
import io.thoughtanchors.analysis.suppression.SuppFormat;
import io.thoughtanchors.pipeline.cache.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our row-normalised matrix against a trace's published {@code step_importance_supp.json}: Pearson and Spearman
 * over the cells below the diagonal ({@code i − j ≥ 1}) that both hold, sentences matched by labelled chunk.
 * Only meaningful for the paper's model with its settings; any other model, above all a random-weight one, is
 * not expected to match.
 */
public record PublishedComparison(String traceId, int pairs, CorrelationResult pearson, CorrelationResult spearman) {

    public static final String CAVEAT = "agreement with the published matrix is only expected for the paper's model and"
            + " settings; a synthetic (random-weight) or other model is not expected to match";

    /**
     * @param normalised    ours, {@code Ẽ[receiving][suppressed]} over the analysed sentences
     * @param labelIndex    labelled chunk of each analysed sentence (−1 if none)
     * @param sourceTarget  the published matrix as the trace reader gives it (source → target, n_lab × n_lab)
     */
    public static PublishedComparison of(String traceId, double[][] normalised, int[] labelIndex, double[][] sourceTarget) {
        double[][] published = SuppFormat.fromSourceTarget(sourceTarget);
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int i = 0; i < normalised.length; i++) {
            for (int j = 0; j < i; j++) {
                int li = labelIndex[i];
                int lj = labelIndex[j];
                if (lj < 0 || li < 0 || li >= published.length || lj >= li) {
                    continue;
                }
                double a = normalised[i][j];
                double b = published[li][lj];
                if (!Double.isNaN(a) && !Double.isNaN(b)) {
                    ours.add(a);
                    theirs.add(b);
                }
            }
        }
        double[] x = ours.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = theirs.stream().mapToDouble(Double::doubleValue).toArray();
        return new PublishedComparison(traceId, x.length, Correlation.pearson(x, y), Correlation.spearman(x, y));
    }

    public Map<String, Object> toJson(boolean syntheticModel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace_id", traceId);
        m.put("what", "row-normalised matrix vs the published step_importance_supp.json, cells i - j >= 1");
        m.put("caveat", syntheticModel ? "SYNTHETIC MODEL: " + CAVEAT : CAVEAT);
        m.put("pairs", pairs);
        m.put("pearson_r", Json.number(pearson.r()));
        m.put("pearson_p", Json.number(pearson.p()));
        m.put("spearman_r", Json.number(spearman.r()));
        m.put("spearman_p", Json.number(spearman.p()));
        return m;
    }
}
