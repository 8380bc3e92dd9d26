package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.Nucleus;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/** Grows a variant's CSR arrays position by position, copying kept tokens straight out of Arrow buffers. */
final class NucleusBuilder {

    private final int firstPosition;
    private final int[] offsets;
    private final float[] retained;
    private int positions;
    private int[] ids;
    private float[] logits;

    NucleusBuilder(int firstPosition, int positionCount) {
        this.firstPosition = firstPosition;
        this.offsets = new int[positionCount + 1];
        this.retained = new float[positionCount];
        this.ids = new int[Math.max(16, positionCount * 4)];
        this.logits = new float[ids.length];
    }

    /** The position the next row must hold (rows arrive in order, each once). */
    int nextPosition() {
        return firstPosition + positions;
    }

    boolean isComplete() {
        return positions == retained.length;
    }

    /** Appends one position whose {@code size} kept tokens start at element {@code from} of the buffers. */
    void append(float retainedMass, ArrowBuf idBuf, ArrowBuf logitBuf, int from, int size) {
        int start = offsets[positions];
        if (start + size > ids.length) {
            int capacity = Math.max(start + size, ids.length * 2);
            ids = Arrays.copyOf(ids, capacity);
            logits = Arrays.copyOf(logits, capacity);
        }
        ArrowColumns.copyInts(idBuf, from, ids, start, size);
        ArrowColumns.copyFloats(logitBuf, from, logits, start, size);
        retained[positions] = retainedMass;
        offsets[++positions] = start + size;
    }

    /** Checks kept ids against the vocabulary; once per variant, after the bulk copies. */
    void checkIds(int vocabSize) {
        for (int i = 0; i < offsets[positions]; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new ContractViolation("nucleus token id " + ids[i] + " outside the vocabulary [0, " + vocabSize + ")");
            }
        }
    }

    Nucleus build() {
        int kept = offsets[positions];
        return new Nucleus(firstPosition, offsets, Arrays.copyOf(ids, kept), Arrays.copyOf(logits, kept), retained);
    }
}
