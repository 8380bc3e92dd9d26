package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.analysis.text.TokenRanges;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a suppression check found.
 *
 * @param heads       the suppressed receiver heads, best first
 * @param layerHeads  the same grouped layer → heads, as the worker was asked
 * @param scores      the trace's receiver scores per analysed sentence (NaN: not eligible)
 * @param ranges      the trace's sentence token ranges
 * @param inputTokens the tokens of the input the logits were computed on
 * @param check       the two sentences, both KLs, their ratio and the verdict
 * @param file        suppress_check.json, when the request gave an output folder
 */
public record SuppressCheckResult(SuppressCheckRequest request, ModelInfo model, Trace trace, List<Head> heads,
                                  Map<Integer, List<Integer>> layerHeads, double[] scores, TokenRanges ranges,
                                  int inputTokens, SingleSentenceCheck.Result check, Optional<Path> file,
                                  List<String> warnings) {

    public SuppressCheckResult {
        heads = List.copyOf(heads);
        warnings = List.copyOf(warnings);
    }

    /** The labelled chunk text of analysed sentence {@code s} ("" without one). */
    public String sentenceText(int s) {
        int label = ranges.labelIndex()[s];
        return label >= 0 && label < trace.numLabeled() ? trace.chunks().get(label).chunk() : "";
    }
}
