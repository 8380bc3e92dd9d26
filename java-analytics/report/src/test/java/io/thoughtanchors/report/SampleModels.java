package io.thoughtanchors.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/** Seeded report models with the shapes a real run produces: vertical stripes, a few spiky heads, NaN triangles. */
final class SampleModels {

    static final String[] CATEGORIES = {"problem_setup", "plan_generation", "fact_retrieval", "active_computation",
            "uncertainty_management", "result_consolidation", "self_checking", "final_answer_emission"};

    private SampleModels() {
    }

    /** Three traces of 40 sentences, a model with 6 layers × 4 heads, every optional part present. */
    static ReportModel full() {
        return build(40, 6, 4, 3, true);
    }

    /** One trace: no reliability, no suppression, no counterfactual importance. */
    static ReportModel minimal() {
        return build(12, 2, 2, 1, false);
    }

    /**
     * Two traces without sentence categories but with counterfactual importance and no resampling matrix (a
     * math-rollouts tree without its step-attribution tree): no Figure 5, and the scatter without its residual line.
     */
    static ReportModel unlabelled() {
        ReportModel m = build(30, 4, 3, 2, true);
        Map<ReportModel.Part, String> reasons = Map.of(ReportModel.Part.CATEGORIES, "no trace has sentence categories",
                ReportModel.Part.RESIDUAL_CORRELATION, "no trace has a step_importance.json",
                ReportModel.Part.SUPPRESSION, "no suppression matrix was given");
        List<ReportModel.Sentence> sentences = m.sentences().stream().map(x -> new ReportModel.Sentence(x.traceId(),
                x.index(), "unlabelled", x.text(), x.receiverScore(), x.counterfactualImportance())).toList();
        ReportModel.BlackBox b = m.blackBox().orElseThrow();
        return new ReportModel(m.settings(), m.kurtosis(), m.reliability(), Optional.empty(), sentences, m.focus(),
                Optional.of(new ReportModel.BlackBox(b.pearsonR(), b.pearsonP(), b.spearmanR(), b.pairs(),
                        Optional.empty())), Optional.empty(), reasons);
    }

    static ReportModel build(int n, int layers, int heads, int traces, boolean withOptional) {
        Random random = new Random(7);
        List<String> traceIds = new ArrayList<>();
        for (int t = 0; t < traces; t++) {
            traceIds.add("qwen-14b/correct_base_solution/problem_" + (2236 + t));
        }
        List<ReportModel.Sentence> sentences = new ArrayList<>();
        Map<String, Map<String, Double>> perTrace = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            perTrace.put(c, new LinkedHashMap<>());
        }
        for (String id : traceIds) {
            for (int i = 0; i < n; i++) {
                String category = CATEGORIES[(i * 7 + id.length()) % CATEGORIES.length];
                double cf = withOptional ? random.nextGaussian() * 0.1 : Double.NaN;
                String text = "Sentence " + i + " of " + id + ": <b>not bold</b> & \"quoted\" — 3 < 4.";
                sentences.add(new ReportModel.Sentence(id, i, category, text, 0.01 + 0.02 * random.nextDouble()
                        + (i % 9 == 0 ? 0.05 : 0), cf));
            }
            for (String c : CATEGORIES) {
                perTrace.get(c).put(id, 0.01 + 0.03 * random.nextDouble());
            }
        }
        double[] kurtosis = new double[layers * heads];
        for (int k = 0; k < kurtosis.length; k++) {
            kurtosis[k] = k < heads ? Double.NaN : Math.abs(random.nextGaussian()) * 3 + (k % 5 == 0 ? 12 : 0);
        }
        List<ReportModel.HeadRef> top = Stream.of(new ReportModel.HeadRef(layers - 1, 0),
                new ReportModel.HeadRef(1, 1), new ReportModel.HeadRef(layers - 1, heads - 1))
                .filter(h -> h.layer() < layers && h.head() < heads).distinct().toList();
        double[][] matrix = new double[n][n];
        double[][] layerScores = new double[heads][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                matrix[i][j] = j > i ? Double.NaN : (j % 9 == 0 ? 0.2 : 0.01) * (1 + random.nextDouble());
            }
        }
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < n; j++) {
                layerScores[h][j] = j >= n - 3 ? Double.NaN : 0.01 + (h == 0 && j % 9 == 0 ? 0.15 : 0.02 * random.nextDouble());
            }
        }
        List<ReportModel.PairTest> tests = List.of(
                new ReportModel.PairTest("plan_generation", "active_computation", traces, 2.5, traces - 1, 0.04, 0.12,
                        1.44),
                new ReportModel.PairTest("active_computation", "plan_generation", traces, -2.5, traces - 1, 0.04, 0.12,
                        -1.44));
        // One problem per trace; with one problem there is no interval (NaN bounds), as the analysis gives.
        List<ReportModel.CategoryMean> means = new ArrayList<>();
        for (String c : CATEGORIES) {
            double mean = perTrace.get(c).values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double half = traces > 1 ? 0.004 + 0.0005 * means.size() : Double.NaN;
            means.add(new ReportModel.CategoryMean(c, traces, traces, mean, mean - half, mean + 0.8 * half, traces < 5));
        }
        double[] first = kurtosis.clone();
        double[] second = new double[kurtosis.length];
        for (int k = 0; k < second.length; k++) {
            second[k] = Double.isNaN(first[k]) ? Double.NaN : first[k] + random.nextGaussian();
        }
        Optional<ReportModel.Suppression> suppression = Optional.empty();
        if (withOptional) {
            double[][] e = new double[n][n];
            int[] distance = new int[n - 1];
            double[] mean = new double[n - 1];
            double[] se = new double[n - 1];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    e[i][j] = j >= i ? Double.NaN : random.nextGaussian() * 0.3 + 2.0 / (i - j);
                }
            }
            for (int d = 1; d < n; d++) {
                distance[d - 1] = d;
                mean[d - 1] = 2.0 / d;
                se[d - 1] = 0.1;
            }
            double[] placebo = new double[n - 1];
            for (int d = 1; d < n; d++) {
                placebo[d - 1] = 0.5 / d; // placebo spans (docs/algorithms.md §12.9) below the real curve
            }
            suppression = Optional.of(new ReportModel.Suppression(traceIds.get(0), e, -0.3, 1.2, distance, mean, se,
                    placebo));
        }
        ReportModel.RunSettings settings = new ReportModel.RunSettings("Thought Anchors white-box report",
                "tiny-qwen2", "float32", true, "RECOMMENDED",
                List.of("boundary mode: HEAD", "top k: 3", "proximity ignore: 4"),
                Map.of("worker_version", "0.1.0", "torch", "2.13.0", "transformers", "5.17.0", "device", "cpu"),
                "data/thought-anchors-sample", "2026-11-25T02:00:00Z", traceIds);
        Map<ReportModel.Part, String> notComputed = new LinkedHashMap<>();
        if (traces < 2) {
            notComputed.put(ReportModel.Part.RELIABILITY, "split-half reliability needs at least two traces");
        }
        if (!withOptional) {
            notComputed.put(ReportModel.Part.BLACK_BOX, "no trace has counterfactual importance");
            notComputed.put(ReportModel.Part.SUPPRESSION, "no suppression matrix was given for trace " + traceIds.get(0));
        }
        return new ReportModel(settings, new ReportModel.HeadKurtosis(layers, heads, kurtosis, top),
                traces > 1 ? Optional.of(new ReportModel.Reliability("ALTERNATING", (traces + 1) / 2, traces / 2,
                        0.8, 0.001, 0.75, first, second)) : Optional.empty(),
                Optional.of(new ReportModel.CategoryScores(List.of(CATEGORIES), perTrace, means,
                        new ReportModel.CategoryInterval(0.95, 2000, 5), tests)), sentences,
                new ReportModel.FocusTrace(traceIds.get(0), top.get(0), matrix, layerScores),
                withOptional ? Optional.of(new ReportModel.BlackBox(0.12, 0.01, 0.1, n * traces,
                        Optional.of(new ReportModel.Residual(0.05, -0.02, 0.12, traces)))) : Optional.empty(),
                suppression, notComputed, Optional.of(controls(top, kurtosis, heads, withOptional, random)));
    }

    /** The controls of the receiver heads; the null only with the optional parts, the sweep always. */
    static ReportModel.Controls controls(List<ReportModel.HeadRef> top, double[] kurtosis, int heads, boolean withNull,
                                         Random random) {
        List<ReportModel.HeadControl> rows = new ArrayList<>();
        for (ReportModel.HeadRef h : top) {
            double k = kurtosis[h.layer() * heads + h.head()];
            double mean = withNull ? k * 0.5 : Double.NaN;
            double sd = withNull ? 0.5 + random.nextDouble() : Double.NaN;
            rows.add(new ReportModel.HeadControl(h, k, 0.2 + 0.6 * random.nextDouble(), mean, sd,
                    withNull ? (k - mean) / sd : Double.NaN, withNull ? 1.0 / 201 : Double.NaN));
        }
        List<ReportModel.SweepPoint> sweep = List.of(
                new ReportModel.SweepPoint(0, false, top.subList(0, 1), 1.0 / 3, 0.4, ""),
                new ReportModel.SweepPoint(4, true, top, 1.0, 1.0, ""),
                new ReportModel.SweepPoint(16, false, List.of(), Double.NaN, Double.NaN,
                        "no head has a finite mean kurtosis at this proximity"));
        return new ReportModel.Controls(4, rows, withNull ? 200 : 0,
                withNull ? Optional.empty() : Optional.of("off (--segmentation-null PERMS turns it on)"), sweep);
    }
}
