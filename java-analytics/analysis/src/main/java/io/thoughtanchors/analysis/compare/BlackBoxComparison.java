package io.thoughtanchors.analysis.compare;

import io.thoughtanchors.analysis.stats.Correlation;
import io.thoughtanchors.analysis.stats.CorrelationResult;
import io.thoughtanchors.analysis.stats.NanStats;
import io.thoughtanchors.analysis.stats.Ols;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PAPER-ERA {@code get_receiver_x_uzay} (§8.3 item 2): residualise ρ and u by pooled OLS on
 * normalised position + sentence index (with intercept), correlate residuals per trace (Spearman), trim the
 * extremes and average; plus the recommended per-trace correlations of ρ with −cf_acc and |cf_acc|.
 * Normalised position is {@code j / (n − 1)} (the reference helper that defined it is not public).
 */
public final class BlackBoxComparison {
    private static final double Z95 = 1.96;

    private BlackBoxComparison() {
    }

    public static BlackBoxResult compare(List<TraceSentences> traces, Trim trim) {
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
        List<CorrelationResult> pNeg = new ArrayList<>();
        List<CorrelationResult> sNeg = new ArrayList<>();
        List<CorrelationResult> pAbs = new ArrayList<>();
        List<CorrelationResult> sAbs = new ArrayList<>();
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
            double[] neg = new double[t.size()];
            double[] abs = new double[t.size()];
            for (int j = 0; j < t.size(); j++) {
                neg[j] = -t.cfAccuracy()[j];
                abs[j] = Math.abs(t.cfAccuracy()[j]);
            }
            pNeg.add(Correlation.pearson(t.rho(), neg));
            sNeg.add(Correlation.spearman(t.rho(), neg));
            pAbs.add(Correlation.pearson(t.rho(), abs));
            sAbs.add(Correlation.spearman(t.rho(), abs));
        }
        double[] used = NanStats.withoutNaN(perTrace);
        Arrays.sort(used);
        if (trim == Trim.MIN_AND_MAX) {
            used = used.length > 2 ? Arrays.copyOfRange(used, 1, used.length - 1) : new double[0];
        }
        double mean = NanStats.mean(used);
        double se = NanStats.nanStdPopulation(used) / Math.sqrt(used.length);
        return new BlackBoxResult(ids, perTrace, used, mean, se, mean - Z95 * se, mean + Z95 * se, pNeg, sNeg, pAbs, sAbs);
    }
}
