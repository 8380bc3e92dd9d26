package io.thoughtanchors.cli;

import io.thoughtanchors.analysis.HeadControls;
import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.analysis.reliability.ReliabilityResult;
import io.thoughtanchors.pipeline.ReceiversResult;
import io.thoughtanchors.worker.ModelInfo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The few lines a receivers run prints on stdout (also before a report's); the files hold everything else. */
final class RunSummary {

    private static final int HEADS_SHOWN = 5;

    private RunSummary() {
    }

    static void print(PrintWriter out, ReceiversResult result) {
        ReceiverHeadResult r = result.analysis();
        ModelInfo model = result.model();
        long computed = result.computed().stream().filter(c -> c).count();
        out.printf(Locale.ROOT, "Receiver heads of %d traces: model %s (%s, %d layers x %d heads), profile %s%n",
                r.traceIds().size(), model.modelId(), model.dtype(), model.numLayers(), model.numQueryHeads(),
                result.profile().name());
        out.printf(Locale.ROOT, "  attention: %d traces computed, %d from the cache (%.1f s)%n", computed,
                r.traceIds().size() - computed, result.attentionSeconds());
        List<Head> top = r.ranking().topHeads();
        out.printf(Locale.ROOT, "  top %d heads by mean kurtosis: %s%s%n", top.size(),
                top.stream().limit(HEADS_SHOWN).map(h -> h + " " + fmt(r.ranking().meanKurtosis(h)))
                        .collect(Collectors.joining(", ")), top.size() > HEADS_SHOWN ? ", ..." : "");
        controls(out, result, top);
        List<String> splits = Stream.of(r.reliabilityAlternating(), r.reliabilityByProblem()).flatMap(Optional::stream)
                .map(RunSummary::reliability).toList();
        if (!splits.isEmpty()) {
            out.printf(Locale.ROOT, "  split-half reliability: %s%n", String.join("; ", splits));
        }
        r.counterfactual().ifPresent(c -> out.printf(Locale.ROOT,
                "  black-box: receiver scores against counterfactual importance over %d traces (Spearman per trace"
                        + " in blackbox_by_trace.csv)%n", c.traceIds().size()));
        r.resampling().ifPresent(b -> out.printf(Locale.ROOT,
                "  black-box: mean residual Spearman %s (95%% CI %s to %s) over %d traces%n",
                fmt(b.mean()), fmt(b.ciLow()), fmt(b.ciHigh()), b.used().length));
        r.notComputed().forEach((part, why) -> notComputed(out, part.title, why));
        warningsAndFolder(out, result.warnings().size(), result.outputDir().toString());
        syntheticWeights(out, model);
        out.flush();
    }

    /** The controls of the top heads (docs/algorithms.md §6.4–6.5): recency share, the null's z and p, the sweep. */
    private static void controls(PrintWriter out, ReceiversResult result, List<Head> top) {
        HeadControls.Result c = result.controls();
        String heads = top.stream().limit(HEADS_SHOWN).map(h -> {
            int f = h.flatIndex(c.heads());
            return h + " recency " + fmt(c.recencyShare()[f]) + c.segmentationNull().map(n -> " z " + fmt(n.z()[f])
                    + " p " + fmt(n.p()[f])).orElse("");
        }).collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "  controls (head_controls.csv): %s%s%n", heads, top.size() > HEADS_SHOWN ? ", ..." : "");
        if (!c.sweep().isEmpty()) {
            out.printf(Locale.ROOT, "  proximity sweep (proximity_sweep.csv): %s%n", c.sweep().stream()
                    .map(p -> "k=" + p.proximityIgnore() + " overlap " + fmt(p.overlap()) + " rho "
                            + fmt(p.spearman().r())).collect(Collectors.joining(", ")));
        }
    }

    /** The line of an analysis the inputs could not support (also in run.json and, for a report, on its page). */
    static void notComputed(PrintWriter out, String what, String why) {
        out.println("  " + what + " not computed: " + why);
    }

    /** The closing lines every command with an output folder prints. */
    static void warningsAndFolder(PrintWriter out, int warnings, String folder) {
        if (warnings > 0) {
            out.printf(Locale.ROOT, "  %d warning(s), listed in run.json%n", warnings);
        }
        out.println("  results in " + folder);
    }

    /** The one warning every command prints for a random-weight model. */
    static void syntheticWeights(PrintWriter out, ModelInfo model) {
        if (model.syntheticWeights()) {
            out.println("WARNING: " + model.modelId() + " runs SYNTHETIC (seeded random) weights. " + (model.notes()
                    .isBlank() ? "These results check the pipeline, not the science." : model.notes()));
        }
    }

    private static String reliability(ReliabilityResult x) {
        return String.format(Locale.ROOT, "%s Pearson r = %s, Spearman r = %s (%d heads)",
                x.mode().name().toLowerCase(Locale.ROOT), fmt(x.pearson().r()), fmt(x.spearman().r()), x.pearson().n());
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "NaN";
    }
}
