package io.thoughtanchors.pipeline.suppression;

import io.thoughtanchors.analysis.suppression.KlMode;
import io.thoughtanchors.pipeline.cache.AtomicFiles;
import io.thoughtanchors.pipeline.cache.Checksums;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What one suppressed pass leaves behind: the divergence {@code κ_t = KL(B_t ‖ Q_{j,t})} at every input position,
 * under both sparse KL modes. Storing these instead of the column {@code E[:, j]} lets a rerun switch KL mode, log,
 * alignment or the first-positions limit without a forward pass, at 16 bytes per position (storing the variant's
 * nucleus instead would cost up to 100 tokens × 6 bytes per position). A mode whose KL is NaN somewhere holds NaN
 * there; the matrix refuses it only if that mode is chosen.
 *
 * <p>File: big-endian, int magic {@code "TAK2"}, int column j, int positions N, double[N] REFERENCE_SPARSE κ,
 * double[N] SPARSE_WITH_TAIL κ, then the CRC-32C of all of that ({@link Checksums#seal}).
 */
public record PositionKl(int column, double[] referenceSparse, double[] sparseWithTail) {

    private static final int MAGIC = 0x54414B32;

    public PositionKl {
        if (referenceSparse.length != sparseWithTail.length) {
            throw new IllegalArgumentException("both modes need one value per position");
        }
    }

    public double[] of(KlMode mode) {
        return mode == KlMode.REFERENCE_SPARSE ? referenceSparse : sparseWithTail;
    }

    int positions() {
        return referenceSparse.length;
    }

    void write(Path target) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(column);
            out.writeInt(positions());
            for (double v : referenceSparse) {
                out.writeDouble(v);
            }
            for (double v : sparseWithTail) {
                out.writeDouble(v);
            }
        }
        AtomicFiles.write(target, Checksums.seal(bytes.toByteArray()));
    }

    /** @throws IOException if the file is damaged (checksum) or not a position-KL file */
    static PositionKl read(Path file) throws IOException {
        byte[] payload = Checksums.open(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a position-KL file");
            }
            int column = in.readInt();
            int n = in.readInt();
            if (n < 0 || 12L + 16L * n != payload.length) {
                throw new IOException(file + ": " + n + " positions do not fit its length");
            }
            double[] reference = new double[n];
            double[] tail = new double[n];
            for (int t = 0; t < n; t++) {
                reference[t] = in.readDouble();
            }
            for (int t = 0; t < n; t++) {
                tail[t] = in.readDouble();
            }
            return new PositionKl(column, reference, tail);
        }
    }
}
