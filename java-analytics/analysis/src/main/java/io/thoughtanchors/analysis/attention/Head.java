package io.thoughtanchors.analysis.attention;

/** A query head. */
public record Head(int layer, int head) {
    public int flatIndex(int headsPerLayer) {
        return layer * headsPerLayer + head;
    }

    @Override
    public String toString() {
        return "L" + layer + "H" + head;
    }
}
