package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.pipeline.cache.AtomicFiles;
import io.thoughtanchors.worker.Nucleus;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link Nucleus} as a small binary file (big-endian, {@link java.io.DataOutput} layout): int magic
 * {@code "TAN1"}, int first position, int positions P, int kept tokens K, int[P+1] CSR offsets, int[K] token ids,
 * float[K] raw logits, float[P] retained mass. Enough to rebuild the nucleus exactly; no schema to evolve.
 */
final class NucleusFile {

    private static final int MAGIC = 0x54414E31;

    private NucleusFile() {
    }

    static void write(Path target, Nucleus nucleus) throws IOException {
        AtomicFiles.write(target, out -> {
            out.writeInt(MAGIC);
            out.writeInt(nucleus.firstPosition());
            out.writeInt(nucleus.positionCount());
            out.writeInt(nucleus.ids().length);
            writeInts(out, nucleus.offsets());
            writeInts(out, nucleus.ids());
            writeFloats(out, nucleus.logits());
            writeFloats(out, nucleus.retainedMass());
        });
    }

    static Nucleus read(Path file) throws IOException {
        try (DataInputStream in = AtomicFiles.open(file)) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a nucleus file");
            }
            int first = in.readInt();
            int positions = in.readInt();
            int kept = in.readInt();
            if (positions < 0 || kept < 0) {
                throw new IOException(file + ": negative sizes");
            }
            int[] offsets = readInts(in, positions + 1);
            int[] ids = readInts(in, kept);
            float[] logits = readFloats(in, kept);
            float[] retained = readFloats(in, positions);
            try {
                return new Nucleus(first, offsets, ids, logits, retained);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static int[] readInts(DataInputStream in, int n) throws IOException {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
