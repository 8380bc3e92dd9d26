package io.thoughtanchors.worker;

import java.util.Arrays;

/**
 * Nucleus-compressed logits of one variant in CSR form, for positions
 * {@code firstPosition .. firstPosition + positionCount() - 1}. Position p's kept token ids, in
 * descending probability, are {@code ids[offsets[i] .. offsets[i+1])} with {@code i = p - firstPosition};
 * {@code logits} holds their raw (untempered) logits and {@code retainedMass[i]} the probability they keep.
 * Arrays are shared, not copied (they can be large): treat them as read-only.
 *
 * @param firstPosition positions before it were not shipped (prefix reuse: take them from the baseline)
 */
public record Nucleus(int firstPosition, int[] offsets, int[] ids, float[] logits, float[] retainedMass) {

    public Nucleus {
        int n = retainedMass.length;
        if (firstPosition < 0 || offsets.length != n + 1 || offsets[0] != 0
                || offsets[n] != ids.length || ids.length != logits.length) {
            throw new IllegalArgumentException("inconsistent CSR: first position " + firstPosition + ", "
                    + n + " positions, " + offsets.length + " offsets, " + ids.length + " ids, "
                    + logits.length + " logits");
        }
        for (int i = 0; i < n; i++) {
            if (offsets[i + 1] <= offsets[i]) {
                throw new IllegalArgumentException("position " + (firstPosition + i) + " keeps no token");
            }
        }
    }

    public int positionCount() {
        return retainedMass.length;
    }

    /** One past the last position held. */
    public int endPosition() {
        return firstPosition + retainedMass.length;
    }

    public boolean covers(int position) {
        return position >= firstPosition && position < endPosition();
    }

    /** Index into {@link #ids()}/{@link #logits()} of the first token kept at {@code position}. */
    public int start(int position) {
        return offsets[index(position)];
    }

    /** Number of tokens kept at {@code position}. */
    public int size(int position) {
        int i = index(position);
        return offsets[i + 1] - offsets[i];
    }

    public int[] idsAt(int position) {
        int i = index(position);
        return Arrays.copyOfRange(ids, offsets[i], offsets[i + 1]);
    }

    public float[] logitsAt(int position) {
        int i = index(position);
        return Arrays.copyOfRange(logits, offsets[i], offsets[i + 1]);
    }

    public float retainedMassAt(int position) {
        return retainedMass[index(position)];
    }

    private int index(int position) {
        if (!covers(position)) {
            throw new IndexOutOfBoundsException("position " + position + " outside [" + firstPosition + ", "
                    + endPosition() + ")");
        }
        return position - firstPosition;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nucleus n && firstPosition == n.firstPosition && Arrays.equals(offsets, n.offsets)
                && Arrays.equals(ids, n.ids) && Arrays.equals(logits, n.logits)
                && Arrays.equals(retainedMass, n.retainedMass);
    }

    @Override
    public int hashCode() {
        return (firstPosition * 31 + Arrays.hashCode(offsets)) * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "Nucleus[positions " + firstPosition + ".." + (endPosition() - 1) + ", " + ids.length + " kept]";
    }
}
