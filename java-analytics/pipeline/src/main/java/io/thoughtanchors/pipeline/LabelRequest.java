package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.label.LabelBackend;
import io.thoughtanchors.pipeline.label.SentenceLabeller;
import io.thoughtanchors.pipeline.label.WorkerChatBackend;
import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Label every trace's sentences into the paper's categories with their dependencies ({@code ta label}) and write each
 * trace as a ta-trace/1 file with {@code labels} and {@code labeller}.
 *
 * @param data        the traces, in any layout {@code --data} takes (a published tree, a .txt chain of thought, a
 *                    .json or .jsonl file of ta-trace/1 traces)
 * @param dataOptions how {@code data} is read (rollouts are never counted: labelling does not read them)
 * @param out         where each labelled trace goes, at {@code <trace id>.json}, with run.json last
 * @param cache       the cache root (default: .ta-cache beside the output folder); labels live under its labels/
 * @param backend     who answers: an API backend, or empty for the model of {@code worker} ({@link WorkerChatBackend})
 * @param worker      the worker whose model labels offline when {@code backend} is empty; none otherwise
 * @param maxNewTokens the offline answer's token limit
 * @param maxAnswers  answers asked per trace at most while they are invalid
 */
public record LabelRequest(Path data, DataOptions dataOptions, Path out, boolean force, Optional<LabelBackend> backend,
                           WorkerTarget worker, int maxNewTokens, Optional<Path> cache, int maxAnswers) {

    /** The offline answer's default token limit: room for a JSON entry of a few dozen tokens per sentence. */
    public static final int DEFAULT_MAX_NEW_TOKENS = 8192;

    public LabelRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(cache, "cache");
        if (backend.isPresent() != worker.isNone()) {
            throw new IllegalArgumentException("label with an API backend or with a worker's model, exactly one");
        }
    }

    /** Labels by an API backend (OpenAI-compatible, Anthropic, or any {@link LabelBackend}). */
    public static LabelRequest of(Path data, Path out, LabelBackend backend) {
        return new LabelRequest(data, DataOptions.defaults(), out, false, Optional.of(backend), WorkerTarget.none(),
                DEFAULT_MAX_NEW_TOKENS, Optional.empty(), SentenceLabeller.DEFAULT_MAX_ANSWERS);
    }

    /** Labels offline by the model of {@code worker} through its Generate verb, under the model's chat template. */
    public static LabelRequest offline(Path data, Path out, WorkerTarget worker) {
        return new LabelRequest(data, DataOptions.defaults(), out, false, Optional.empty(), worker,
                DEFAULT_MAX_NEW_TOKENS, Optional.empty(), SentenceLabeller.DEFAULT_MAX_ANSWERS);
    }

    public LabelRequest withMaxNewTokens(int n) {
        return new LabelRequest(data, dataOptions, out, force, backend, worker, n, cache, maxAnswers);
    }

    public LabelRequest withDataOptions(DataOptions o) {
        return new LabelRequest(data, o, out, force, backend, worker, maxNewTokens, cache, maxAnswers);
    }

    public LabelRequest withForce(boolean f) {
        return new LabelRequest(data, dataOptions, out, f, backend, worker, maxNewTokens, cache, maxAnswers);
    }

    public LabelRequest withCache(Optional<Path> c) {
        return new LabelRequest(data, dataOptions, out, force, backend, worker, maxNewTokens, c, maxAnswers);
    }

    public LabelRequest withMaxAnswers(int n) {
        return new LabelRequest(data, dataOptions, out, force, backend, worker, maxNewTokens, cache, n);
    }
}
