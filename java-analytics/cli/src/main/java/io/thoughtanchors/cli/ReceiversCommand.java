package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.ReceiversResult;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ta receivers}: receiver heads by kurtosis of vertical attention scores, over a folder of traces. */
@Command(name = "receivers", sortOptions = false,
        description = {
            "Finds receiver heads (kurtosis of vertical attention scores) in a folder of published traces and scores"
                    + " every sentence by them: split-half reliability, category tests, black-box comparison.",
            "Pooled attention comes from a model worker and is cached per trace; when every trace is cached"
                    + " --worker/--local may be omitted and no worker is contacted."},
        footerHeading = "%n",
        footer = {
            "Output files in --out (CSV: NaN is NaN, a missing value is empty; JSON: null):",
            "  top_heads.csv               the top-k receiver heads:",
            "                                rank, layer, head, mean_kurtosis",
            "  head_kurtosis.csv           every head (mean NaN = excluded from the ranking):",
            "                                layer, head, mean_kurtosis, top_rank",
            "  head_kurtosis_by_trace.csv  trace_id, layer, head, kurtosis",
            "  sentence_scores.csv         trace_id, sentence_index, label_index, token_start, token_end, category,",
            "                                receiver_score, counterfactual_importance_accuracy (as published:",
            "                                negative where the sentence helps),",
            "                                text (labelled chunk, first 100 characters)",
            "  sentences.csv               every analysed sentence where it is: trace_id,",
            "                                sentence_index, label_index, char_start, char_end",
            "                                (in full_cot), token_start, token_end (in the",
            "                                model input), category, text (those characters)",
            "  reliability.csv             split-half reliability of mean kurtosis:",
            "                                split (ALTERNATING | BY_PROBLEM), traces_first,",
            "                                traces_second, heads, pearson_r, pearson_p,",
            "                                spearman_r, spearman_p",
            "  category_tests.csv          paired t-tests of receiver scores by category:",
            "                                category_a, category_b, traces, n, t, df, p,",
            "                                p_holm (Holm over the unordered pairs),",
            "                                cohens_dz (mean / sd of the paired differences)",
            "  category_means.csv          category, traces, problems, mean, ci_low, ci_high",
            "                                (percentile bootstrap over problems), ci_level,",
            "                                resamples, few_problems (fewer than 5)",
            "  category_values.csv         category, trace_id, problem, value (per-trace",
            "                                aggregate)",
            "  blackbox_by_trace.csv       trace_id, residual_spearman, pearson_neg_cf,",
            "                                spearman_neg_cf, pearson_abs_cf, spearman_abs_cf",
            "  head_controls.csv           every head against its controls: layer, head,",
            "                                mean_kurtosis, top_rank, in_top_k, recency_share",
            "                                (attention mass within the proximity window);",
            "                                with --segmentation-null also",
            "                                null_observed_kurtosis, null_mean, null_sd, z, p",
            "  proximity_sweep.csv         the ranking at each --proximity-sweep value:",
            "                                proximity_ignore, configured, heads_ranked, top_k,",
            "                                overlap_count, overlap (with the run's top-k),",
            "                                spearman_r, spearman_n (of mean kurtosis),",
            "                                top_heads, not_computed",
            "  results.json                every table as row objects, the black-box summary",
            "                                (mean, se, 95%% CI), the category bootstrap's",
            "                                settings, skipped traces, warnings",
            "  run.json                    model (Describe answer, synthetic flag), profile,",
            "                                every option, worker, traces (computed or from",
            "                                the cache, forward seconds), timings, warnings",
            "  worker.log                  log of the --local worker",
            "",
            "Cache (--cache): one Arrow IPC file per trace at",
            "  <cache>/<model>/<dtype>/<boundary>-<truncation>-<pooling>/<text id>.arrow",
            "  text id = first 16 hex digits of SHA-256(text + \"|||\" + sentences joined",
            "  by \"|||\"). One record batch per layer, one row per head: layer:int32,",
            "  head:int32, matrix:fixed_size_list<float32>[n*n] as the worker sent it.",
            "  Schema metadata: model id, dtype, modes, full text hash, layers, heads, n,",
            "  the model's Describe answer, the trace's token ranges and a CRC-32C of",
            "  all of it with the matrices. Each file is written atomically right after",
            "  its forward pass, so an interrupted run keeps finished traces; an entry",
            "  whose metadata does not match is recomputed, a damaged one (checksum) is",
            "  deleted and recomputed, each with a one-line warning."})
final class ReceiversCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    ReceiversOptions receivers;

    /** --worker or --local; neither is fine when the cache holds every trace. */
    @Mixin
    WorkerOptions worker;

    @Mixin
    OutputOptions output;

    private final WorkerConnector workers;

    ReceiversCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        ReceiversResult result = Main.pipeline(workers, spec, output.showProgress())
                .receivers(receivers.request(output, worker));
        RunSummary.print(spec.commandLine().getOut(), result);
        return ExitStatus.SUCCESS.code;
    }
}
