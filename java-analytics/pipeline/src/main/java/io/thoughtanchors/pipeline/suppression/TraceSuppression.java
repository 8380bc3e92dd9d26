package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.PlaceboSpans;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.PipelineListener;
import io.thoughtanchors.pipeline.StageProgress;
import io.thoughtanchors.pipeline.TracePlan;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One trace's suppression passes: the baseline, then one pass per sentence j with keys {@code [a_j, b_j)} masked
 * in every head of every layer, grouped {@code batchSize} sentences per Logits call and run concurrently, then
 * (when asked for) one pass per placebo span (docs/algorithms.md §12.9) in Logits calls of their own, so that their
 * cost is measured apart. What the store already holds is not recomputed; each finished pass is stored at once.
 * Columns are independent and assembled by j (placebos by span), so the result does not depend on how many workers
 * answered or in which order.
 */
public final class TraceSuppression {

    /**
     * How the passes are asked for.
     * @param variantsPerCall suppressed sentences per Logits call: they share the worker's one unsuppressed prefix
     *                        pass (the KV cache every variant reuses), so larger groups save that pass
     * @param batchSize       variants per forward inside the worker (helps on GPUs, not on CPUs)
     * @param kernel          the worker's attention kernel (MONKEYPATCH: the reference's, a parity mode)
     */
    public record Settings(NucleusSpec nucleus, boolean fullRecompute, int variantsPerCall, int batchSize,
                    double klTemperature, Kernel kernel) {

        /** The capability of a worker that can reuse the baseline's prefix (and ship from the first suppressed token). */
        public static final String PREFIX_REUSE = "logits.prefix_reuse";

        /**
         * These settings as this worker runs them: a worker without {@link #PREFIX_REUSE} recomputes and ships
         * every position of every pass, so the run asks for exactly that (and the answers are checked for it) and
         * stores its passes under that key, instead of relying on the worker to ignore the request.
         */
        public Settings forWorker(ModelInfo model) {
            return fullRecompute || model.hasCapability(PREFIX_REUSE) ? this
                    : new Settings(nucleus, true, variantsPerCall, batchSize, klTemperature, kernel);
        }
    }

    /**
     * A Logits call: the sentences it suppressed (both empty = the baseline) or the placebo spans it suppressed,
     * wall time, attempts.
     */
    public record PassTiming(List<Integer> columns, List<PlaceboSpans.Span> placebos, double seconds, int attempts) {

        /** Forward passes (variants) of this call, the baseline counting one. */
        public int variants() {
            return Math.max(1, columns.size() + placebos.size());
        }
    }

    /**
     * Everything the outputs need; {@code columns[j]} holds κ of sentence j's pass, {@code placeboColumns[s]} κ of
     * the pass of {@code placeboSpans.get(s)} (its column is its sentence j).
     */
    public record Result(TracePlan plan, SuppressionInputs.Resolved input, SuppressionStore store, Nucleus baseline,
                  boolean baselineFromStore, PositionKl[] columns, List<Integer> columnsFromStore,
                  List<PlaceboSpans.Span> placeboSpans, PositionKl[] placeboColumns, int placebosFromStore,
                  List<PassTiming> passes) {
    }

    private final WorkerLink link;
    private final Settings settings;
    private final SuppressionInputs inputs;
    private final PassExecutor executor;
    private final StageProgress progress;
    private final PipelineListener listener;
    private final Placebo placebo;

    public TraceSuppression(WorkerLink link, Settings settings, Placebo placebo, SuppressionInputs inputs,
                            PassExecutor executor, StageProgress progress, PipelineListener listener) {
        this.link = link;
        this.settings = settings;
        this.placebo = placebo;
        this.inputs = inputs;
        this.executor = executor;
        this.progress = progress;
        this.listener = listener;
    }

    public Result run(TracePlan plan, SuppressionStore store) {
        SuppressionInputs.Resolved resolved = inputs.resolve(plan, store);
        SuppressionInput input = resolved.input();
        List<PlaceboSpans.Span> spans = PlaceboSpans.all(input.ranges().start(), input.ranges().end(),
                placebo.rule(), placebo.draws(), placebo.seed());
        progress.adjustTotal(input.sentences() - plan.layout().size() + spans.size(), plan.id());
        List<PassTiming> passes = Collections.synchronizedList(new ArrayList<>());
        PositionKl[] columns = new PositionKl[input.sentences()];
        PositionKl[] placeboColumns = new PositionKl[spans.size()];
        try {
            Optional<Nucleus> stored = store.readBaseline(input.numTokens());
            Nucleus baseline = stored.orElseGet(() -> baselinePass(plan, input, store, passes));
            progress.advance(1, plan.id());
            List<Integer> fromStore = new ArrayList<>();
            List<Integer> missing = new ArrayList<>();
            for (int j = 0; j < columns.length; j++) {
                int column = j;
                store.readColumn(j, input.numTokens()).ifPresentOrElse(kl -> {
                    columns[column] = kl;
                    fromStore.add(column);
                }, () -> missing.add(column));
            }
            List<Integer> placebosMissing = new ArrayList<>();
            for (int s = 0; s < spans.size(); s++) {
                int index = s;
                store.readPlacebo(spans.get(s), input.numTokens()).ifPresentOrElse(kl -> placeboColumns[index] = kl,
                        () -> placebosMissing.add(index));
            }
            int placebosFromStore = spans.size() - placebosMissing.size();
            progress.advance(fromStore.size() + placebosFromStore, plan.id());
            KlColumns kl = new KlColumns(baseline, input, settings.klTemperature());
            suppressedPasses(plan, input, kl, missing, store, columns, passes);
            placeboPasses(plan, input, kl, spans, placebosMissing, store, placeboColumns, passes);
            return new Result(plan, resolved, store, baseline, stored.isPresent(), columns, fromStore, spans,
                    placeboColumns, placebosFromStore, List.copyOf(passes));
        } catch (WorkerException e) {
            throw PipelineException.worker(link.describe() + " failed on trace " + plan.id() + " (" + e.getMessage() + "); "
                    + stored(columns) + " of " + columns.length + " columns" + (spans.isEmpty() ? "" : " and "
                    + stored(placeboColumns) + " of " + spans.size() + " placebo spans") + " are stored in "
                    + store.dir() + ", a rerun continues from there", e);
        }
    }

    private Nucleus baselinePass(TracePlan plan, SuppressionInput input, SuppressionStore store,
                                 List<PassTiming> passes) {
        PassExecutor.Timed pass = executor.run(query(input, List.of(Suppression.NONE)));
        Nucleus baseline = nucleus(pass.result(), 0);
        listener.stored(plan.id(), store.writeBaseline(baseline));
        passes.add(new PassTiming(List.of(), List.of(), pass.seconds(), pass.attempts()));
        return baseline;
    }

    private void suppressedPasses(TracePlan plan, SuppressionInput input, KlColumns kl, List<Integer> missing,
                                  SuppressionStore store, PositionKl[] columns, List<PassTiming> passes) {
        List<List<Integer>> groups = groups(missing);
        List<LogitsQuery> queries = groups.stream().map(g -> query(input, g.stream()
                .map(j -> Suppression.allHeads(List.of(sentence(input, j)))).toList())).toList();
        executor.runAll(queries, (q, pass) -> {
            List<Integer> group = groups.get(q);
            for (int v = 0; v < group.size(); v++) {
                int j = group.get(v);
                PositionKl values = kl.compute(j, nucleus(pass.result(), v));
                listener.stored(plan.id(), store.writeColumn(values));
                columns[j] = values;
            }
            passes.add(new PassTiming(List.copyOf(group), List.of(), pass.seconds(), pass.attempts()));
            progress.advance(group.size(), plan.id());
        });
    }

    /**
     * The placebo spans' passes: ordinary suppressions of {@code [start, end)}, whose κ is computed by sentence j's
     * column code (the span starts before a_j, so the pass covers every position sentence j could change).
     */
    private void placeboPasses(TracePlan plan, SuppressionInput input, KlColumns kl, List<PlaceboSpans.Span> spans,
                               List<Integer> missing, SuppressionStore store, PositionKl[] placeboColumns,
                               List<PassTiming> passes) {
        List<List<Integer>> groups = groups(missing);
        List<LogitsQuery> queries = groups.stream().map(g -> query(input, g.stream()
                .map(s -> Suppression.allHeads(List.of(new TokenRange(spans.get(s).start(), spans.get(s).end()))))
                .toList())).toList();
        executor.runAll(queries, (q, pass) -> {
            List<Integer> group = groups.get(q);
            for (int v = 0; v < group.size(); v++) {
                PlaceboSpans.Span span = spans.get(group.get(v));
                PositionKl values = kl.compute(span.sentence(), nucleus(pass.result(), v));
                listener.stored(plan.id(), store.writePlacebo(span, values));
                placeboColumns[group.get(v)] = values;
            }
            passes.add(new PassTiming(List.of(), group.stream().map(spans::get).toList(), pass.seconds(),
                    pass.attempts()));
            progress.advance(group.size(), plan.id());
        });
    }

    private List<List<Integer>> groups(List<Integer> missing) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int from = 0; from < missing.size(); from += settings.variantsPerCall()) {
            groups.add(missing.subList(from, Math.min(missing.size(), from + settings.variantsPerCall())));
        }
        return groups;
    }

    private LogitsQuery query(SuppressionInput input, List<Suppression> variants) {
        return LogitsQuery.nucleus(ModelInput.tokens(input.tokenIds()), variants, settings.nucleus())
                .withFullRecompute(settings.fullRecompute()).withBatchSize(settings.batchSize())
                .withKernel(settings.kernel());
    }

    private static TokenRange sentence(SuppressionInput input, int j) {
        return new TokenRange(input.ranges().start()[j], input.ranges().end()[j]);
    }

    /** The worker link checks every answer: a nucleus query's variants all hold one covering the input. */
    private static Nucleus nucleus(LogitsResult result, int variant) {
        return result.variant(variant).nucleus().orElseThrow();
    }

    private static int stored(PositionKl[] columns) {
        int n = 0;
        for (PositionKl c : columns) {
            n += c == null ? 0 : 1;
        }
        return n;
    }
}
