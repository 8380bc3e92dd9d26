package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.pipeline.cache.AtomicFiles;
import io.thoughtanchors.pipeline.cache.Checksums;
import io.thoughtanchors.worker.Nucleus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link Nucleus} as a small binary file (big-endian, {@link java.io.DataOutput} layout): int magic
 * {@code "TAN2"}, int first position, int positions P, int kept tokens K, int[P+1] CSR offsets, int[K] token ids,
 * float[K] raw logits, float[P] retained mass, then the CRC-32C of all of that ({@link Checksums#seal}). Enough to
 * rebuild the nucleus exactly; no schema to evolve.
 */
final class NucleusFile {

    private static final int MAGIC = 0x54414E32;

    private NucleusFile() {
    }

    static void write(Path target, Nucleus nucleus) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(nucleus.firstPosition());
            out.writeInt(nucleus.positionCount());
            out.writeInt(nucleus.ids().length);
            writeInts(out, nucleus.offsets());
            writeInts(out, nucleus.ids());
            writeFloats(out, nucleus.logits());
            writeFloats(out, nucleus.retainedMass());
        }
        AtomicFiles.write(target, Checksums.seal(bytes.toByteArray()));
    }

    /** @throws IOException if the file is damaged (checksum) or not a nucleus file */
    static Nucleus read(Path file) throws IOException {
        byte[] payload = Checksums.open(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a nucleus file");
            }
            int first = in.readInt();
            int positions = in.readInt();
            int kept = in.readInt();
            if (positions < 0 || kept < 0 || 4L * (4 + positions + 1 + 2L * kept + positions) != payload.length) {
                throw new IOException(file + ": sizes " + positions + " and " + kept + " do not fit its length");
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
