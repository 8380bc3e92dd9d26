package io.thoughtanchors.pipeline.label;

import java.util.List;

/**
 * One trace's labels, who made them, and whether they came from the cache.
 *
 * @param answers answers asked of the backend (0 when cached; more than 1 when earlier answers were invalid)
 */
public record Labelling(List<SentenceLabel> labels, Labeller labeller, boolean cached, int answers) {

    public Labelling {
        labels = List.copyOf(labels);
    }
}
