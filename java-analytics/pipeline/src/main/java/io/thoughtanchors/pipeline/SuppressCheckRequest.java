package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.PassCriterion;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.Kernel;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A single-sentence suppression check ({@code ta suppress-check}, docs/algorithms.md §13) on one trace: a path that holds one
 * trace ({@link #ofTrace}) or one trace of many ({@link #ofProblem}). Change what differs with the {@code with}
 * methods.
 *
 * @param tracePath             what holds the one trace (a problem_&lt;id&gt; folder, a .txt, .json or one-line
 *                              .jsonl file), or empty when it is chosen by {@code problem} in {@code data}
 * @param data                  anything --data takes: where {@code problem} is looked up, and what
 *                              {@link HeadsFrom#DATA} ranks the receiver heads on
 * @param dataOptions           how both are read
 * @param problem               a trace id, or a unique end of one after a '/' (2238, correct/2238), in {@code data}
 * @param out                   where suppress_check.json goes; empty = nowhere (the result is still returned)
 * @param suppressHeads         top receiver heads to suppress in
 * @param truncateAfterSentence cut the input at the end of sentence K; only sentences 0..K are eligible
 * @param temperature           softmax temperature of the KL
 * @param kernel                the worker's attention kernel: MASK (default) or MONKEYPATCH, the reference code's
 *                              (stock eager baseline, replacement kernel in the suppressed passes), a parity mode
 *                              (docs/algorithms.md §11.4)
 */
public record SuppressCheckRequest(Optional<Path> tracePath, Optional<Path> data, DataOptions dataOptions,
                                   Optional<String> problem, HeadsFrom headsFrom, Optional<Path> out, boolean force, Optional<Path> cache,
                                   Profile profile, AnalysisOptions options, int suppressHeads,
                                   OptionalInt truncateAfterSentence, double temperature, PassCriterion criterion,
                                   Kernel kernel, WorkerTarget worker) {

    /** Which traces rank the receiver heads: the checked trace alone, or every trace of {@code data}. */
    public enum HeadsFrom { TRACE, DATA }

    public SuppressCheckRequest {
        Objects.requireNonNull(tracePath, "tracePath");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(headsFrom, "headsFrom");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(truncateAfterSentence, "truncateAfterSentence");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(worker, "worker");
        if (tracePath.isEmpty() && (data.isEmpty() || problem.isEmpty())) {
            throw PipelineException.invalidRequest("give --trace PATH, or --data PATH with --problem ID");
        }
        if (tracePath.isPresent() && problem.isPresent()) {
            throw PipelineException.invalidRequest("--trace and --problem exclude each other");
        }
        if (headsFrom == HeadsFrom.DATA && data.isEmpty()) {
            throw PipelineException.invalidRequest("--heads-from DATA needs --data");
        }
        if (suppressHeads < 1) {
            throw PipelineException.invalidRequest("--suppress-heads must be at least 1, got " + suppressHeads);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw PipelineException.invalidRequest("--temperature must be finite and > 0, got " + temperature);
        }
    }

    /** ARENA's settings on one trace: heads ranked on the trace, top 5 suppressed, τ = 1, 10× criterion. */
    public static SuppressCheckRequest ofTrace(Path tracePath) {
        return new SuppressCheckRequest(Optional.of(tracePath), Optional.empty(), DataOptions.defaults(),
                Optional.empty(), HeadsFrom.TRACE, Optional.empty(), false, Optional.empty(), Profile.RECOMMENDED,
                Profile.RECOMMENDED.options(), SingleSentenceCheck.DEFAULT_TOP_HEADS, OptionalInt.empty(), SingleSentenceCheck.DEFAULT_TEMPERATURE,
                PassCriterion.TEN_TIMES, Kernel.MASK, WorkerTarget.none());
    }

    /** As {@link #ofTrace}, the trace chosen by {@code problem} among the traces of {@code data}. */
    public static SuppressCheckRequest ofProblem(Path data, String problem) {
        return new SuppressCheckRequest(Optional.empty(), Optional.of(data), DataOptions.defaults(),
                Optional.of(problem), HeadsFrom.TRACE, Optional.empty(), false, Optional.empty(), Profile.RECOMMENDED,
                Profile.RECOMMENDED.options(), SingleSentenceCheck.DEFAULT_TOP_HEADS, OptionalInt.empty(), SingleSentenceCheck.DEFAULT_TEMPERATURE,
                PassCriterion.TEN_TIMES, Kernel.MASK, WorkerTarget.none());
    }

    /** The traces {@code data} (with a trace path: the ones it must be found in, for {@link HeadsFrom#DATA}). */
    public SuppressCheckRequest withData(Path data) {
        return new SuppressCheckRequest(tracePath, Optional.of(data), dataOptions, problem, headsFrom, out, force, cache, profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withDataOptions(DataOptions dataOptions) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withHeadsFrom(HeadsFrom headsFrom) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withOut(Path out) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, Optional.of(out), force, cache, profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withForce(boolean force) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withCache(Path cache) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, Optional.of(cache), profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    /** This profile with its own options (replacing any options set before). */
    public SuppressCheckRequest withProfile(Profile profile) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile,
                profile.options(), suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withOptions(AnalysisOptions options) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withSuppressHeads(int suppressHeads) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withTruncateAfterSentence(int sentence) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, OptionalInt.of(sentence), temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withTemperature(double temperature) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withCriterion(PassCriterion criterion) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withKernel(Kernel kernel) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }

    public SuppressCheckRequest withWorker(WorkerTarget worker) {
        return new SuppressCheckRequest(tracePath, data, dataOptions, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, kernel, worker);
    }
}
