package io.thoughtanchors.analysis.compare;

import io.thoughtanchors.analysis.stats.Correlation;
import io.thoughtanchors.analysis.stats.CorrelationResult;
import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.stats.Ols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Receiver-head scores against black-box importance, two comparisons that need different data: the per-trace
 * correlations with counterfactual importance (a per-sentence number) and PAPER-ERA {@code get_receiver_x_uzay}
 * with the resampling score of the sentence-to-sentence matrix (docs/algorithms.md §10.3).
 */
public final class BlackBoxComparison {
    private static final double Z95 = 1.96;

    private BlackBoxComparison() {
    }

    /** The recommended per-trace Pearson and Spearman of ρ with −cf_acc and |cf_acc| (NaN pairs omitted). */
    public static CounterfactualComparison counterfactual(List<TraceImportance> traces) {
        List<String> ids = new ArrayList<>();
        List<CorrelationResult> pNeg = new ArrayList<>();
        List<CorrelationResult> sNeg = new ArrayList<>();
        List<CorrelationResult> pAbs = new ArrayList<>();
        List<CorrelationResult> sAbs = new ArrayList<>();
        for (TraceImportance t : traces) {
            ids.add(t.traceId());
            double[] neg = new double[t.rho().length];
            double[] abs = new double[t.rho().length];
            for (int j = 0; j < neg.length; j++) {
                neg[j] = -t.cfAccuracy()[j];
                abs[j] = Math.abs(t.cfAccuracy()[j]);
            }
            pNeg.add(Correlation.pearson(t.rho(), neg));
            sNeg.add(Correlation.spearman(t.rho(), neg));
            pAbs.add(Correlation.pearson(t.rho(), abs));
            sAbs.add(Correlation.spearman(t.rho(), abs));
        }
        return new CounterfactualComparison(ids, pNeg, sNeg, pAbs, sAbs);
    }

    /**
     * Residualises ρ and u by pooled OLS on normalised position + sentence index (with intercept), correlates the
     * residuals per trace (Spearman), trims the extremes and averages. Normalised position is {@code j / (n − 1)}
     * (the reference helper that defined it is not public).
     */
    public static ResamplingComparison resampling(List<TraceSentences> traces, Trim trim) {
        int total = 0;
        for (TraceSentences t : traces) {
            for (boolean b : t.included()) {
                total += b ? 1 : 0;
            }
        }
        double[] rho = new double[total];
        double[] u = new double[total];
        double[] pos = new double[total];
        double[] idx = new double[total];
        int k = 0;
        for (TraceSentences t : traces) {
            int n = t.size();
            for (int j = 0; j < n; j++) {
                if (t.included()[j]) {
                    rho[k] = t.rho()[j];
                    u[k] = t.u()[j];
                    pos[k] = n > 1 ? j / (double) (n - 1) : 0.0;
                    idx[k++] = j;
                }
            }
        }
        double[] rr = Ols.fit(rho, pos, idx).residuals();
        double[] ru = Ols.fit(u, pos, idx).residuals();

        List<String> ids = new ArrayList<>();
        double[] perTrace = new double[traces.size()];
        k = 0;
        for (int r = 0; r < traces.size(); r++) {
            TraceSentences t = traces.get(r);
            int m = 0;
            for (boolean b : t.included()) {
                m += b ? 1 : 0;
            }
            perTrace[r] = Correlation.spearman(Arrays.copyOfRange(rr, k, k + m), Arrays.copyOfRange(ru, k, k + m)).r();
            k += m;
            ids.add(t.traceId());
        }
        double[] used = NanStats.withoutNaN(perTrace);
        Arrays.sort(used);
        if (trim == Trim.MIN_AND_MAX) {
            used = used.length > 2 ? Arrays.copyOfRange(used, 1, used.length - 1) : new double[0];
        }
        double mean = NanStats.mean(used);
        double se = NanStats.nanStdPopulation(used) / Math.sqrt(used.length);
        return new ResamplingComparison(ids, perTrace, used, mean, se, mean - Z95 * se, mean + Z95 * se);
    }
}
