package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.label.LabelBackend;
import io.thoughtanchors.pipeline.label.SentenceLabeller;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Label every trace's sentences into the paper's categories with their dependencies ({@code ta label}) and write each
 * trace as a ta-trace/1 file with {@code labels} and {@code labeller}.
 *
 * @param data       a trace folder or a tree of them
 * @param out        where each labelled trace goes, at {@code <trace id>.json}, with run.json last
 * @param cache      the cache root (default: .ta-cache beside the output folder); labels live under its labels/
 * @param maxAnswers answers asked per trace at most while they are invalid
 */
public record LabelRequest(Path data, Path out, boolean force, LabelBackend backend, Optional<Path> cache,
                           int maxAnswers) {

    public LabelRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(cache, "cache");
    }

    public static LabelRequest of(Path data, Path out, LabelBackend backend) {
        return new LabelRequest(data, out, false, backend, Optional.empty(), SentenceLabeller.DEFAULT_MAX_ANSWERS);
    }

    public LabelRequest withForce(boolean f) {
        return new LabelRequest(data, out, f, backend, cache, maxAnswers);
    }

    public LabelRequest withCache(Optional<Path> c) {
        return new LabelRequest(data, out, force, backend, c, maxAnswers);
    }

    public LabelRequest withMaxAnswers(int n) {
        return new LabelRequest(data, out, force, backend, cache, n);
    }
}
