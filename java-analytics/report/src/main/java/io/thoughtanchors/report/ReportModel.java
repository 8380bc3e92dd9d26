package io.thoughtanchors.report;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a report shows, already computed: {@link StaticFigures} and {@link HtmlReport} only draw it.
 * Missing numbers are NaN; parts a run did not produce are empty optionals, each with the reason the page shows
 * ("not computed: <reason>") in {@code notComputed}. Matrices are row-major
 * {@code [receiving sentence][attended or suppressed sentence]}, NaN where undefined (upper triangle).
 *
 * @param settings    what ran: shown at the top of the page and in every figure title
 * @param kurtosis    mean kurtosis of every head and the selected receiver heads (Figure 4 C–D)
 * @param reliability split-half agreement of head kurtosis (Figure 4 E); empty with fewer than two traces
 * @param categories  receiver-head score by sentence category and the paired tests (Figure 5); empty without
 *                    sentence categories
 * @param sentences   every analysed sentence of every trace (bar charts, black-box scatter, hover text)
 * @param focus       the trace drawn sentence by sentence (Figure 4 A–B, bar charts)
 * @param blackBox    receiver scores against counterfactual importance; empty when no trace has importance
 * @param suppression the focus trace's suppression matrix (Figure 6); empty when none was given
 * @param notComputed why each absent part is absent; a part is absent exactly when it has a reason here
 * @param controls    the receiver heads against their controls (recency, re-segmentation null, proximity sweep);
 *                    every receivers run has them, a model built without them shows no controls section
 */
public record ReportModel(RunSettings settings, HeadKurtosis kurtosis, Optional<Reliability> reliability,
                          Optional<CategoryScores> categories, List<Sentence> sentences, FocusTrace focus,
                          Optional<BlackBox> blackBox, Optional<Suppression> suppression,
                          Map<Part, String> notComputed, Optional<Controls> controls) {

    /** The parts of a report that may be absent. */
    public enum Part { RELIABILITY, CATEGORIES, BLACK_BOX, RESIDUAL_CORRELATION, SUPPRESSION }

    public ReportModel {
        sentences = List.copyOf(sentences);
        EnumMap<Part, String> reasons = new EnumMap<>(Part.class);
        reasons.putAll(notComputed);
        notComputed = Collections.unmodifiableMap(reasons);
        requireReason(Part.RELIABILITY, reliability.isPresent(), notComputed);
        requireReason(Part.CATEGORIES, categories.isPresent(), notComputed);
        requireReason(Part.BLACK_BOX, blackBox.isPresent(), notComputed);
        requireReason(Part.SUPPRESSION, suppression.isPresent(), notComputed);
        if (blackBox.isPresent()) {
            requireReason(Part.RESIDUAL_CORRELATION, blackBox.get().residual().isPresent(), notComputed);
        }
    }

    /** A model without the receiver-head controls. */
    public ReportModel(RunSettings settings, HeadKurtosis kurtosis, Optional<Reliability> reliability,
                       Optional<CategoryScores> categories, List<Sentence> sentences, FocusTrace focus,
                       Optional<BlackBox> blackBox, Optional<Suppression> suppression, Map<Part, String> notComputed) {
        this(settings, kurtosis, reliability, categories, sentences, focus, blackBox, suppression, notComputed,
                Optional.empty());
    }

    private static void requireReason(Part part, boolean present, Map<Part, String> reasons) {
        if (present == reasons.containsKey(part)) {
            throw new IllegalArgumentException(part + (present ? " is present but has a reason for being absent"
                    : " is absent without a reason"));
        }
    }

    /** Why {@code part} is absent, or empty when it is present. */
    public Optional<String> notComputed(Part part) {
        return Optional.ofNullable(notComputed.get(part));
    }

    /**
     * Every sentence category, the analysed ones first, then the others in order of appearance: the one order
     * (and so the one colour per category) of every figure and chart.
     */
    public List<String> categoryOrder() {
        Set<String> order = new LinkedHashSet<>(categories.map(CategoryScores::categories).orElse(List.of()));
        sentences.forEach(s -> order.add(s.category()));
        return List.copyOf(order);
    }

    /** The sentences of one trace, in order. */
    public List<Sentence> sentencesOf(String traceId) {
        return sentences.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /**
     * What ran.
     *
     * @param modelId          the worker's model id
     * @param syntheticWeights true for seeded random weights: every figure then says the results check the pipeline
     * @param options          one line per analysis option, as run.json lists them
     * @param worker           worker facts (versions, device, mode), in display order
     * @param traceIds         every analysed trace
     */
    public record RunSettings(String title, String modelId, String dtype, boolean syntheticWeights, String profile,
                              List<String> options, Map<String, String> worker, String dataPath, String created,
                              List<String> traceIds) {
        public RunSettings {
            options = List.copyOf(options);
            worker = Collections.unmodifiableMap(new LinkedHashMap<>(worker));
            traceIds = List.copyOf(traceIds);
        }

        /** "model (dtype)", with a synthetic-weights marker: the subtitle of every figure. */
        public String modelLabel() {
            return modelId + " (" + dtype + ")" + (syntheticWeights ? " — synthetic random weights" : "");
        }
    }

    /** A head by layer and index within the layer. */
    public record HeadRef(int layer, int head) {
        @Override
        public String toString() {
            return "L" + layer + "H" + head;
        }
    }

    /**
     * @param meanKurtosis flat {@code [layer·heads + head]} mean kurtosis over traces, NaN = excluded
     * @param topHeads     the receiver heads in rank order
     */
    public record HeadKurtosis(int layers, int heads, double[] meanKurtosis, List<HeadRef> topHeads) {
        public HeadKurtosis {
            if (meanKurtosis.length != layers * heads) {
                throw new IllegalArgumentException("meanKurtosis has " + meanKurtosis.length + " values, not "
                        + layers + "×" + heads);
            }
            topHeads = List.copyOf(topHeads);
            for (HeadRef h : topHeads) {
                if (h.layer() < 0 || h.layer() >= layers || h.head() < 0 || h.head() >= heads) {
                    throw new IllegalArgumentException("receiver head " + h + " is outside " + layers + "×" + heads);
                }
            }
        }

        public double of(HeadRef h) {
            return meanKurtosis[h.layer() * heads + h.head()];
        }
    }

    /**
     * Split-half reliability: per head (flat index) the mean kurtosis over each half; NaN where a head is excluded.
     */
    public record Reliability(String split, int tracesFirst, int tracesSecond, double pearsonR, double pearsonP,
                              double spearmanR, double[] firstHalf, double[] secondHalf) {
    }

    /**
     * @param perTrace category → (trace id → per-trace aggregate receiver score), both in display order
     * @param means    each category's mean over traces with its bootstrap interval over problems, in display order
     */
    public record CategoryScores(List<String> categories, Map<String, Map<String, Double>> perTrace,
                                 List<CategoryMean> means, CategoryInterval interval, List<PairTest> tests) {
        public CategoryScores {
            categories = List.copyOf(categories);
            Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
            perTrace.forEach((category, values) -> copy.put(category,
                    Collections.unmodifiableMap(new LinkedHashMap<>(values))));
            perTrace = Collections.unmodifiableMap(copy);
            means = List.copyOf(means);
            tests = List.copyOf(tests);
        }
    }

    /** How the category means' intervals were computed: a percentile bootstrap over problems. */
    public record CategoryInterval(double level, int resamples, int fewProblemsBelow) {
    }

    /**
     * One category's mean over its traces' values and its bootstrap interval (NaN bounds with fewer than two
     * problems); {@code fewProblems} when fewer than {@link CategoryInterval#fewProblemsBelow()}.
     */
    public record CategoryMean(String category, int traces, int problems, double mean, double ciLow, double ciHigh,
                               boolean fewProblems) {
    }

    /**
     * Paired t-test of category A against B over traces having both, with its Holm-adjusted p over the unordered
     * pairs and paired Cohen's d_z.
     */
    public record PairTest(String categoryA, String categoryB, int n, double t, double df, double p, double pHolm,
                           double cohensDz) {
    }

    /**
     * One analysed sentence.
     *
     * @param index                     position among the trace's analysed sentences (the x axis of bar charts)
     * @param receiverScore             mean vertical score over the receiver heads
     * @param counterfactualImportance  black-box importance (NaN when the trace has none)
     * @param text                      the sentence text, whole
     */
    public record Sentence(String traceId, int index, String category, String text, double receiverScore,
                           double counterfactualImportance) {
    }

    /**
     * The trace drawn sentence by sentence.
     *
     * @param head            the receiver head whose matrix is drawn (the top-ranked one)
     * @param headMatrix      that head's sentence × sentence attention, n × n
     * @param layerScores     {@code [head][sentence]} vertical scores of every head in {@code head.layer()}
     */
    public record FocusTrace(String traceId, HeadRef head, double[][] headMatrix, double[][] layerScores) {
        public FocusTrace {
            if (head.head() >= layerScores.length) {
                throw new IllegalArgumentException("head " + head + " but scores of " + layerScores.length + " heads");
            }
            for (double[] row : headMatrix) {
                if (row.length != headMatrix.length) {
                    throw new IllegalArgumentException("the head matrix is not square");
                }
            }
        }

        public double[] headVerticalScores() {
            return layerScores[head.head()];
        }
    }

    /**
     * Receiver scores against counterfactual importance over every sentence having both.
     *
     * @param residual the receiver-vs-resampling comparison, when the traces have a resampling matrix
     */
    public record BlackBox(double pearsonR, double pearsonP, double spearmanR, int pairs, Optional<Residual> residual) {
    }

    /**
     * The per-trace mean of the residualised Spearman ρ of receiver scores against resampling scores (docs/algorithms.md §10.3) and
     * its 95% CI.
     *
     * @param tracesUsed traces that entered that mean (finite, after trimming)
     */
    public record Residual(double meanSpearman, double ciLow, double ciHigh, int tracesUsed) {
    }

    /**
     * A trace's row-normalised suppression matrix (Figure 6).
     *
     * @param normalised  n × n row-normalised ln KL, NaN above the diagonal; the diagonal holds the 99th
     *                    percentile of the matrix, for display only (docs/algorithms.md §12.5 step 3)
     * @param colourLow   low end of the colour range: a quantile of entries at least 11 sentences below the diagonal
     * @param colourHigh  high end of the colour range
     * @param distance    sentence distance i − j of the trace average curve
     * @param meanByDistance mean entry at each distance; {@code seByDistance} its standard error
     * @param placeboByDistance at each distance the mean of the cells' placebo means, row-normalised with the real
     *                    rows' means (docs/algorithms.md §12.9); empty when the run had no placebos
     */
    public record Suppression(String traceId, double[][] normalised, double colourLow, double colourHigh,
                              int[] distance, double[] meanByDistance, double[] seByDistance,
                              double[] placeboByDistance) {
        public Suppression {
            if (meanByDistance.length != distance.length || seByDistance.length != distance.length
                    || (placeboByDistance.length != 0 && placeboByDistance.length != distance.length)) {
                throw new IllegalArgumentException("distance, mean, standard error and placebo differ in length");
            }
            for (double[] row : normalised) {
                if (row.length != normalised.length) {
                    throw new IllegalArgumentException("the suppression matrix is not square");
                }
            }
        }

        /** Without placebos. */
        public Suppression(String traceId, double[][] normalised, double colourLow, double colourHigh, int[] distance,
                           double[] meanByDistance, double[] seByDistance) {
            this(traceId, normalised, colourLow, colourHigh, distance, meanByDistance, seByDistance, new double[0]);
        }

        public boolean hasPlacebo() {
            return placeboByDistance.length > 0;
        }
    }

    /**
     * The receiver heads against their controls (docs/algorithms.md §6.4–6.5).
     *
     * @param recencyWindow   the proximity window of the recency share (the run's proximity ignore k)
     * @param topHeads        the receiver heads in rank order with their controls
     * @param permutations    re-segmentations of the null (0 when it did not run)
     * @param nullNotComputed why the null's numbers are absent (NaN); empty when it ran
     * @param sweep           the ranking at each proximity-ignore value; empty when the sweep was off
     */
    public record Controls(int recencyWindow, List<HeadControl> topHeads, int permutations,
                           Optional<String> nullNotComputed, List<SweepPoint> sweep) {
        public Controls {
            topHeads = List.copyOf(topHeads);
            sweep = List.copyOf(sweep);
        }
    }

    /**
     * One receiver head: its mean kurtosis, the share of its attention within the proximity window, and the
     * re-segmentation null's mean and standard deviation with the head's z and permutation p (NaN without the null).
     */
    public record HeadControl(HeadRef head, double meanKurtosis, double recencyShare, double nullMean, double nullSd,
                              double z, double p) {
    }

    /**
     * The head ranking at one proximity-ignore value against the run's.
     *
     * @param overlap  top-k overlap with the run's receiver heads, NaN when none is selected
     * @param spearman rank correlation of mean kurtosis with the run's
     * @param note     why a value has no ranking or no selected head; empty otherwise
     */
    public record SweepPoint(int proximityIgnore, boolean configured, List<HeadRef> topHeads, double overlap,
                             double spearman, String note) {
        public SweepPoint {
            topHeads = List.copyOf(topHeads);
        }
    }
}
