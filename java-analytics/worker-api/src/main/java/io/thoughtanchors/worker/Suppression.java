package io.thoughtanchors.worker;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Key columns masked before the softmax (docs/algorithms.md §11): every query row loses the keys in {@code ranges}.
 *
 * @param ranges     suppressed key ranges; none of them may cover position 0 (BOS), because a
 *                   query row would then have no key left. No ranges = the unsuppressed baseline.
 * @param layerHeads layer -> query heads to suppress in; an empty head list means every head of
 *                   that layer, an empty map means every head of every layer
 */
public record Suppression(List<TokenRange> ranges, Map<Integer, List<Integer>> layerHeads) {

    /** The baseline: nothing suppressed. */
    public static final Suppression NONE = new Suppression(List.of(), Map.of());

    public Suppression {
        ranges = List.copyOf(ranges);
        for (TokenRange r : ranges) {
            if (r.contains(0)) {
                throw new IllegalArgumentException("suppressed range " + r + " covers BOS (position 0)");
            }
        }
        TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
        layerHeads.forEach((layer, heads) -> {
            if (layer < 0 || heads.stream().anyMatch(h -> h < 0)) {
                throw new IllegalArgumentException("negative layer or head in " + layer + " -> " + heads);
            }
            copy.put(layer, List.copyOf(heads));
        });
        layerHeads = Collections.unmodifiableSortedMap(copy); // sorted: stable wire order and toString
    }

    /** Suppress {@code ranges} in every head of every layer (what the KL matrix of docs/algorithms.md §12 uses). */
    public static Suppression allHeads(List<TokenRange> ranges) {
        return new Suppression(ranges, Map.of());
    }

    public boolean isBaseline() {
        return ranges.stream().allMatch(TokenRange::isEmpty);
    }
}
