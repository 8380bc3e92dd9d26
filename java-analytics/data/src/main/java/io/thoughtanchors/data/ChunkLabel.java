package io.thoughtanchors.data;

import java.util.List;
import java.util.Optional;

/**
 * A sentence's labels: the paper's function categories ({@code function_tags}) and the earlier sentences it depends
 * on ({@code depends_on}), from {@code chunks_labeled.json} or a trace file's {@code labels}.
 *
 * @param summary the published labeller's 2–5 word summary of the sentence, when there is one
 */
public record ChunkLabel(List<String> functionTags, List<Integer> dependsOn, Optional<String> summary) {

    /** The category a sentence is analysed under when its tag list is empty. */
    public static final String UNKNOWN = "unknown";

    public ChunkLabel {
        functionTags = List.copyOf(functionTags);
        dependsOn = List.copyOf(dependsOn);
    }

    /** The category analyses use: the first function tag, {@value #UNKNOWN} when the list is empty. */
    public String primaryTag() {
        return functionTags.isEmpty() ? UNKNOWN : functionTags.get(0);
    }
}
