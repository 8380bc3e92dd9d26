package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.text.SentenceSplitter;
import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceFiles;
import io.thoughtanchors.data.TraceReader;
import io.thoughtanchors.data.TraceSet;
import io.thoughtanchors.data.DataLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --data} read the way every command reads it (any layout; the project's splitter for chains of thought of
 * one's own; what the reader left out as warnings of the run), and the traces kept for an analysis that needs a
 * minimum number of sentences. All of it happens before a run creates its output folder or contacts a worker.
 */
final class Inputs {

    /** The traces an analysis keeps, and why each other trace was left out (by id). */
    record Kept(List<TracePlan> plans, Map<String, String> leftOut) {
    }

    private Inputs() {
    }

    static List<Trace> read(Path data, DataOptions options, PipelineListener events) {
        options.promptFile().ifPresent(prompt -> {
            if (Files.isDirectory(data) || TraceFiles.layoutOf(data).filter(l -> l == DataLayout.TEXT).isEmpty()) {
                throw PipelineException.invalidRequest("--prompt-file goes with a .txt chain of thought; " + data
                        + " holds traces that give their own prompt");
            }
        });
        TraceSet set = TraceReader.read(data, options, SentenceSplitter::sentences);
        set.warnings().forEach(events::warning);
        return set.traces();
    }

    static List<TracePlan> plans(List<Trace> traces, AnalysisOptions options) {
        return traces.stream().map(t -> TracePlan.of(t, options)).toList();
    }

    /** The traces with enough sentences for receiver heads: a shorter one would leave every head without kurtosis. */
    static Kept withReceiverHeads(List<TracePlan> plans, AnalysisOptions options, PipelineListener events) {
        return withAtLeast(plans, ReceiverHeadAnalysis.minimumSentences(options), "receiver heads",
                ReceiverHeadAnalysis.minimumReason(options), events);
    }

    /**
     * @param what the analysis, e.g. "receiver heads"
     * @param why  why it needs {@code minimum} sentences
     * @throws PipelineException (bad input) when no trace has enough
     */
    static Kept withAtLeast(List<TracePlan> plans, int minimum, String what, String why, PipelineListener events) {
        List<TracePlan> kept = new ArrayList<>();
        Map<String, String> leftOut = new LinkedHashMap<>();
        for (TracePlan plan : plans) {
            if (plan.layout().size() >= minimum) {
                kept.add(plan);
            } else {
                leftOut.put(plan.id(), plan.layout().size() + " sentence(s) to analyse, " + what + " need at least "
                        + minimum);
            }
        }
        if (kept.isEmpty()) {
            TracePlan first = plans.get(0);
            throw PipelineException.badInput((plans.size() == 1 ? "trace " + first.id() + ": its chain of thought"
                    + " gives " : "no trace has enough sentences: " + first.id() + " gives ") + first.layout().size()
                    + " sentence(s) to analyse, and " + what + " need at least " + minimum + ": " + why, null);
        }
        leftOut.forEach((id, reason) -> events.warning("trace " + id + " left out: " + reason + " (" + why + ")"));
        return new Kept(kept, leftOut);
    }
}
