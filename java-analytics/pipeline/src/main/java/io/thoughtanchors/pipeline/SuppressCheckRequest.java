package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.AnalysisOptions;
import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck.PassCriterion;
import io.thoughtanchors.analysis.suppression.SingleSentenceCheck;
import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A single-sentence suppression check ({@code ta suppress-check}, spec §10.6) on one trace: a problem_&lt;id&gt;
 * folder ({@link #ofTrace}) or a problem in a folder of traces ({@link #ofProblem}). Change what differs with the
 * {@code with} methods.
 *
 * @param traceDir              the trace folder, or empty when it is chosen by {@code problem} in {@code data}
 * @param data                  a folder of traces: where {@code problem} is looked up, and what
 *                              {@link HeadsFrom#DATA} ranks the receiver heads on
 * @param problem               a problem id (2238) or a trace id suffix (correct/2238) in {@code data}
 * @param out                   where suppress_check.json goes; empty = nowhere (the result is still returned)
 * @param suppressHeads         top receiver heads to suppress in
 * @param truncateAfterSentence cut the input at the end of sentence K; only sentences 0..K are eligible
 * @param temperature           softmax temperature of the KL
 */
public record SuppressCheckRequest(Optional<Path> traceDir, Optional<Path> data, Optional<String> problem,
                                   HeadsFrom headsFrom, Optional<Path> out, boolean force, Optional<Path> cache,
                                   Profile profile, AnalysisOptions options, int suppressHeads,
                                   OptionalInt truncateAfterSentence, double temperature, PassCriterion criterion,
                                   WorkerTarget worker) {

    /** Which traces rank the receiver heads: the checked trace alone, or every trace of {@code data}. */
    public enum HeadsFrom { TRACE, DATA }

    public SuppressCheckRequest {
        Objects.requireNonNull(traceDir, "traceDir");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(headsFrom, "headsFrom");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(truncateAfterSentence, "truncateAfterSentence");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(worker, "worker");
        if (traceDir.isEmpty() && (data.isEmpty() || problem.isEmpty())) {
            throw PipelineException.invalidRequest("give --trace DIR, or --data DIR with --problem ID");
        }
        if (traceDir.isPresent() && problem.isPresent()) {
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

    /** ARENA's settings on one trace folder: heads ranked on the trace, top 5 suppressed, τ = 1, 10× criterion. */
    public static SuppressCheckRequest ofTrace(Path traceDir) {
        return new SuppressCheckRequest(Optional.of(traceDir), Optional.empty(), Optional.empty(), HeadsFrom.TRACE,
                Optional.empty(), false, Optional.empty(), Profile.RECOMMENDED, Profile.RECOMMENDED.options(),
                SingleSentenceCheck.DEFAULT_TOP_HEADS, OptionalInt.empty(), SingleSentenceCheck.DEFAULT_TEMPERATURE,
                PassCriterion.TEN_TIMES, WorkerTarget.none());
    }

    /** As {@link #ofTrace}, the trace chosen by {@code problem} among the traces of {@code data}. */
    public static SuppressCheckRequest ofProblem(Path data, String problem) {
        return new SuppressCheckRequest(Optional.empty(), Optional.of(data), Optional.of(problem), HeadsFrom.TRACE,
                Optional.empty(), false, Optional.empty(), Profile.RECOMMENDED, Profile.RECOMMENDED.options(),
                SingleSentenceCheck.DEFAULT_TOP_HEADS, OptionalInt.empty(), SingleSentenceCheck.DEFAULT_TEMPERATURE,
                PassCriterion.TEN_TIMES, WorkerTarget.none());
    }

    /** The folder of traces {@code data} (with a trace folder: the one it must be found in, for {@link HeadsFrom#DATA}). */
    public SuppressCheckRequest withData(Path data) {
        return new SuppressCheckRequest(traceDir, Optional.of(data), problem, headsFrom, out, force, cache, profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withHeadsFrom(HeadsFrom headsFrom) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withOut(Path out) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, Optional.of(out), force, cache, profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withForce(boolean force) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withCache(Path cache) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, Optional.of(cache), profile,
                options, suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    /** This profile with its own options (replacing any options set before). */
    public SuppressCheckRequest withProfile(Profile profile) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile,
                profile.options(), suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withOptions(AnalysisOptions options) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withSuppressHeads(int suppressHeads) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withTruncateAfterSentence(int sentence) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, OptionalInt.of(sentence), temperature, criterion, worker);
    }

    public SuppressCheckRequest withTemperature(double temperature) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withCriterion(PassCriterion criterion) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }

    public SuppressCheckRequest withWorker(WorkerTarget worker) {
        return new SuppressCheckRequest(traceDir, data, problem, headsFrom, out, force, cache, profile, options,
                suppressHeads, truncateAfterSentence, temperature, criterion, worker);
    }
}
