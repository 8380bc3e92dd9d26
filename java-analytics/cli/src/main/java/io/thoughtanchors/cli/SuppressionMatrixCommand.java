package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.suppression.KlMode;
import io.thoughtanchors.analysis.suppression.PlaceboRule;
import io.thoughtanchors.analysis.suppression.PredictionAlignment;
import io.thoughtanchors.analysis.suppression.SuppressionAveraging.DistancePooling;
import io.thoughtanchors.analysis.suppression.SuppressionOptions;
import io.thoughtanchors.analysis.taxonomy.CategoryAggregate;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.SuppressionMatrixRequest;
import io.thoughtanchors.pipeline.SuppressionMatrixResult;
import io.thoughtanchors.pipeline.output.PublishedComparison;
import io.thoughtanchors.pipeline.output.SuppressionRunReport;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.NucleusSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code ta suppression-matrix}: the sentence-to-sentence suppression KL matrix of every trace (docs/algorithms.md §12). */
@Command(name = "suppression-matrix", sortOptions = false,
        description = {
            "Sentence-to-sentence suppression KL matrix (docs/algorithms.md §12) of every trace in a folder: a baseline pass and"
                    + " one pass per sentence j with its keys masked in every head of every layer, KL per position"
                    + " in Java, E[i][j] = mean over sentence i's positions, then masked and row-normalised.",
            "Passes are stored in the cache as they finish; a rerun computes only what is missing. KL mode,"
                    + " alignment and --no-log are applied to the stored values and need no new passes."},
        footerHeading = "%n",
        footer = {
            "Output files in --out (NaN is written NaN in CSV and, like Python's json, in step_importance_supp.json):",
            "  <trace id>/suppression_matrix.csv             E: receiving, then one column per",
            "                                                  suppressed sentence j (all cells)",
            "  <trace id>/suppression_matrix_normalised.csv  j >= i masked, each row minus its mean",
            "  <trace id>/step_importance_supp.json          the published format (docs/algorithms.md §12.6)",
            "  <trace id>/published_comparison.json          only if the trace has a published",
            "                                                  step_importance_supp.json",
            "  suppression_by_distance.csv    distance, mean, standard_error, entries, traces",
            "  suppression_by_category_pair.csv  receiving_category, suppressed_category, traces,",
            "                                  mean, standard_error (per trace first, then across)",
            "  <trace id>/suppression_placebo.csv            with --placebo-draws: receiving, suppressed,",
            "                                                  draw, offset, placebo_start, placebo_end, placebo",
            "  <trace id>/suppression_vs_placebo.csv         per cell i > j: real, placebo_mean, placebo_sd,",
            "                                                  draws, difference, ratio, placebo_below, p_empirical",
            "  suppression_placebo_summary.csv  trace_id, cells, share_above_placebo, median_ratio,",
            "                                  median_difference (last row: all traces)",
            "  published_comparison.csv       trace_id, pairs, pearson_r, pearson_p, spearman_r,",
            "                                  spearman_p (a random-weight model will not match)",
            "  run.json                       model, every option, per trace: sentences, tokens,",
            "                                  stored/computed columns, every pass's seconds; passes/s",
            "  worker.log                     log of the --local worker",
            "",
            "Store (--cache): per trace a folder",
            "  <cache>/suppression/<model>/<dtype>/<source>-<boundary>-<truncation>/",
            "    p<top-p>-k<max-k>-t<temperature>-f16-kl<kl-temperature>-<reuse|full>/<text id>/",
            "  meta.json (key, model, token ranges, input token ids), baseline.nucleus (CSR, big-endian",
            "  binary), kl-NNNN.bin (per suppressed sentence: KL at every position under both KL modes,",
            "  float64), placebo-SSSSS-EEEEE.bin (the same per placebo span [S, E)). Each file carries",
            "  a CRC-32C of its content and is written atomically",
            "  right after its pass; a damaged one is deleted and recomputed with a warning."})
final class SuppressionMatrixCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    WorkerOptions worker;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    CacheOption cache;

    /** Its sentences and token boundaries are what matters here. */
    @Mixin
    ProfileOption profile;

    @Mixin
    TextOverrides textOverrides;

    @Option(names = "--kl-mode", paramLabel = "MODE", defaultValue = "REFERENCE_SPARSE",
            description = "Per-position KL: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KlMode klMode;

    @Option(names = "--alignment", paramLabel = "ALIGNMENT", defaultValue = "AT_POSITIONS",
            description = "Positions a sentence averages: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PredictionAlignment alignment;

    @Option(names = "--no-log", description = "Average KL itself instead of ln(KL + 1e-9).")
    boolean noLog;

    @Option(names = "--only-first", paramLabel = "K", description = "A sentence averages only its first K positions.")
    Integer onlyFirst;

    @Option(names = "--kl-temperature", paramLabel = "TAU", defaultValue = "0.6",
            description = "Temperature of the KL (default: ${DEFAULT-VALUE}).")
    double klTemperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.9999",
            description = "Nucleus mass kept per position (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--max-k", paramLabel = "K", defaultValue = "100",
            description = "Most tokens kept per position (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--temperature", paramLabel = "TAU", defaultValue = "0.6",
            description = "Temperature of the nucleus compression (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--distance-pooling", paramLabel = "POOLING", defaultValue = "MEAN_OF_TRACE_MEANS",
            description = "Averaging by distance across traces: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DistancePooling distancePooling;

    @Option(names = "--category-aggregate", paramLabel = "AGG",
            description = "Per-trace aggregate of a category pair: ${COMPLETION-CANDIDATES} (default: the profile's).")
    CategoryAggregate categoryAggregate;

    @Option(names = "--category-min-entries", paramLabel = "N", defaultValue = "1",
            description = "A trace counts for a category pair with at least N cells (default: ${DEFAULT-VALUE}).")
    int categoryMinEntries;

    @Option(names = "--full-recompute", description = "Every pass recomputes the whole input (parity runs) instead"
            + " of reusing the baseline's prefix.")
    boolean fullRecompute;

    @Option(names = "--kernel", paramLabel = "KERNEL", defaultValue = "MASK",
            description = "The worker's attention kernel: MASK (default: one mask-based kernel, so the upper triangle"
                    + " is exactly the ln(1e-9) floor) or MONKEYPATCH (parity with the reference code: a stock eager"
                    + " baseline, each suppressed pass a whole forward through the reference's replacement kernel;"
                    + " reproduces its noisy upper triangle; implies --full-recompute).")
    Kernel kernel;

    @Option(names = "--variants-per-call", paramLabel = "N", defaultValue = "8",
            description = "Suppressed sentences per Logits call; they share one prefix pass on the worker, and a call's"
                    + " columns are stored when it completes (default: ${DEFAULT-VALUE}).")
    int variantsPerCall;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1",
            description = "Variants per forward inside the worker: helps GPUs, not CPUs (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--placebo-draws", paramLabel = "R", defaultValue = "0",
            description = "Also suppress up to R placebo spans per sentence: as many tokens as the sentence, at a"
                    + " seeded offset placed by --placebo-rule (docs/algorithms.md §12.9); each cell is then"
                    + " compared with its placebos. Multiplies the passes by up to 1 + R (default: 0, off).")
    int placeboDraws;

    @Option(names = "--placebo-rule", paramLabel = "RULE", defaultValue = "disjoint",
            description = "disjoint: the span lies just before the sentence, sharing none of its tokens (is the"
                    + " effect above chance?); straddling: the sentence shifted earlier across its start (does"
                    + " boundary alignment matter?) (default: ${DEFAULT-VALUE}).")
    PlaceboRule placeboRule;

    @Option(names = "--placebo-seed", paramLabel = "SEED", defaultValue = "0",
            description = "Seed of the placebo offsets (default: ${DEFAULT-VALUE}).")
    long placeboSeed;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Logits calls in flight (default: two per worker, so a worker computes the next call"
                    + " while this side decodes the last).")
    Integer parallel;

    private final WorkerConnector workers;

    SuppressionMatrixCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        SuppressionMatrixResult result = Main.pipeline(workers, spec, outputOptions.showProgress())
                .suppressionMatrix(request());
        printSummary(spec.commandLine().getOut(), result);
        return ExitStatus.SUCCESS.code;
    }

    private SuppressionMatrixRequest request() {
        SuppressionMatrixRequest request = SuppressionMatrixRequest.of(data.data, outputOptions.out)
                .withDataOptions(data.options())
                .withForce(outputOptions.force).withProfile(profile.profile)
                .withOptions(textOverrides.apply(profile.profile.options()))
                .withKl(klOptions()).withNucleus(nucleus()).withFullRecompute(fullRecompute).withKernel(kernel)
                .withVariantsPerCall(variantsPerCall).withBatchSize(batchSize).withDistancePooling(distancePooling)
                .withCategoryMinEntries(categoryMinEntries).withPlacebo(placeboDraws, placeboSeed, placeboRule)
                .withWorker(worker.target());
        request = cache.cache().map(request::withCache).orElse(request);
        request = parallel == null ? request : request.withParallel(parallel);
        return categoryAggregate == null ? request : request.withCategoryAggregate(categoryAggregate);
    }

    private SuppressionOptions klOptions() {
        if (onlyFirst != null && onlyFirst < 1) {
            throw PipelineException.invalidRequest("--only-first must be at least 1, got " + onlyFirst);
        }
        try {
            return SuppressionOptions.REFERENCE.withKlMode(klMode).withTemperature(klTemperature).withTakeLog(!noLog)
                    .withAlignment(alignment)
                    .withOnlyFirst(onlyFirst == null ? OptionalInt.empty() : OptionalInt.of(onlyFirst));
        } catch (IllegalArgumentException e) {
            throw PipelineException.invalidRequest("--kl-temperature: " + e.getMessage());
        }
    }

    private NucleusSpec nucleus() {
        try {
            return new NucleusSpec(topP, maxK, temperature, true);
        } catch (IllegalArgumentException e) {
            throw PipelineException.invalidRequest("nucleus options: " + e.getMessage());
        }
    }

    private void printSummary(PrintWriter o, SuppressionMatrixResult result) {
        ModelInfo model = result.model();
        o.printf(Locale.ROOT, "Suppression matrices of %d traces: model %s (%s), %s, %s%s%n", result.traces().size(),
                model.modelId(), model.dtype(), klMode, alignment, noLog ? ", no log" : "");
        for (SuppressionMatrixResult.TraceMatrix m : result.traces()) {
            o.printf(Locale.ROOT, "  %s: %d sentences, %d tokens, %d passes computed, %d columns stored earlier%n",
                    m.traceId(), m.passes().columns().length, m.passes().input().input().numTokens(),
                    SuppressionRunReport.computedPasses(m.passes()), m.passes().columnsFromStore().size());
        }
        o.printf(Locale.ROOT, "  passes: %d in %.1f s (%.2f passes/s)%n", result.passesComputed(),
                result.passSeconds(), result.passesPerSecond());
        result.placeboSummary().ifPresent(p -> o.printf(Locale.ROOT, "  vs placebo (%d draws, seed %d, %s): %d cells below"
                + " the diagonal, %.1f%% above their placebo mean, median ratio %.3g, median difference %.3g%n",
                placeboDraws, placeboSeed, placeboRule.cliName(), p.cells(), 100 * p.shareAbove(), p.medianRatio(), p.medianDifference()));
        for (PublishedComparison c : result.comparisons()) {
            o.printf(Locale.ROOT, "  vs published %s: Pearson r = %.3f, Spearman r = %.3f over %d cells%s%n",
                    c.traceId(), c.pearson().r(), c.spearman().r(), c.pairs(),
                    model.syntheticWeights() ? " (synthetic model: no match expected)" : "");
        }
        result.notComputed().forEach((what, why) -> RunSummary.notComputed(o, what, why));
        RunSummary.warningsAndFolder(o, result.warnings().size(), result.outputDir().toString());
        RunSummary.syntheticWeights(o, model);
        o.flush();
    }
}
