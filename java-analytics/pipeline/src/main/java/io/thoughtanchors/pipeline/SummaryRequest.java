package io.thoughtanchors.pipeline;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Recompute every trace's {@code summary.json} from its {@code step_importance.json} ({@code ta summary}, spec §1.3)
 * and say whether it equals the published one.
 *
 * @param data a trace folder or a tree of them
 * @param out  where each trace's recomputed summary.json goes, at {@code <trace id>/summary.json}
 */
public record SummaryRequest(Path data, Path out, boolean force) {

    public SummaryRequest {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
    }

    public static SummaryRequest of(Path data, Path out) {
        return new SummaryRequest(data, out, false);
    }

    public SummaryRequest withForce(boolean force) {
        return new SummaryRequest(data, out, force);
    }
}
