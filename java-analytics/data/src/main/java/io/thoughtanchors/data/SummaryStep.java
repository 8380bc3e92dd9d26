package io.thoughtanchors.data;

/**
 * One entry of {@code top_influential_steps} / {@code top_dependent_steps}. Only the chunk text of
 * {@code step_text} is kept: in many published files the rest of that record comes from an older labelling.
 *
 * @param avgImportance {@code avg_outgoing_importance} or {@code avg_incoming_importance}
 */
public record SummaryStep(int stepIdx, String stepChunk, double avgImportance) {
}
