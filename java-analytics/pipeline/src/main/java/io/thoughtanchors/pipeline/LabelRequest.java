package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.DataOptions;
import io.thoughtanchors.pipeline.label.LabelBackend;
import io.thoughtanchors.pipeline.label.SentenceLabeller;

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
 * @param maxAnswers  answers asked per trace at most while they are invalid
 */
public record LabelRequest(Path data, DataOptions dataOptions, Path out, boolean force, LabelBackend backend,
                           Optional<Path> cache, int maxAnswers) {

    public LabelRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(cache, "cache");
    }

    public static LabelRequest of(Path data, Path out, LabelBackend backend) {
        return new LabelRequest(data, DataOptions.defaults(), out, false, backend, Optional.empty(),
                SentenceLabeller.DEFAULT_MAX_ANSWERS);
    }

    public LabelRequest withDataOptions(DataOptions o) {
        return new LabelRequest(data, o, out, force, backend, cache, maxAnswers);
    }

    public LabelRequest withForce(boolean f) {
        return new LabelRequest(data, dataOptions, out, f, backend, cache, maxAnswers);
    }

    public LabelRequest withCache(Optional<Path> c) {
        return new LabelRequest(data, dataOptions, out, force, backend, c, maxAnswers);
    }

    public LabelRequest withMaxAnswers(int n) {
        return new LabelRequest(data, dataOptions, out, force, backend, cache, n);
    }
}
