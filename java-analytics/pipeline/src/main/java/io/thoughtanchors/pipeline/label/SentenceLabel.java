package io.thoughtanchors.pipeline.label;

import java.util.List;

/**
 * One sentence's labels: its categories (the first is the one the analyses use) and the earlier sentences it depends
 * on, as indices into the same sentence list.
 */
public record SentenceLabel(int sentenceIndex, String text, List<Category> functionTags, List<Integer> dependsOn) {

    public SentenceLabel {
        functionTags = List.copyOf(functionTags);
        dependsOn = List.copyOf(dependsOn);
        if (functionTags.isEmpty()) {
            throw new IllegalArgumentException("sentence " + sentenceIndex + " has no category");
        }
    }

    public Category primary() {
        return functionTags.get(0);
    }
}
