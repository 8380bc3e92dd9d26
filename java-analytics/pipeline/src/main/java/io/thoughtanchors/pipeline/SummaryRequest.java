package io.thoughtanchors.pipeline;

import io.thoughtanchors.data.DataOptions;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Recompute every trace's {@code summary.json} from its {@code step_importance.json} ({@code ta summary}, docs/algorithms.md §1.2)
 * and say whether it equals the published one.
 *
 * @param data        a published tree (a problem folder or a tree of them)
 * @param dataOptions how it is read (a step-attribution tree gives the math-rollouts layout its matrices)
 * @param out         where each trace's recomputed summary.json goes, at {@code <trace id>/summary.json}
 */
public record SummaryRequest(Path data, DataOptions dataOptions, Path out, boolean force) {

    public SummaryRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dataOptions, "dataOptions");
        Objects.requireNonNull(out, "out");
    }

    public static SummaryRequest of(Path data, Path out) {
        return new SummaryRequest(data, DataOptions.defaults(), out, false);
    }

    public SummaryRequest withDataOptions(DataOptions dataOptions) {
        return new SummaryRequest(data, dataOptions, out, force);
    }

    public SummaryRequest withForce(boolean force) {
        return new SummaryRequest(data, dataOptions, out, force);
    }
}
