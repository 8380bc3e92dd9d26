package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.data.AtomicFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One trace's pooled attention as an Arrow IPC file: one record batch per layer, one row per head
 * ({@code layer:int32, head:int32, matrix:fixed_size_list<float32>[n·n]}, row-major), the
 * {@link CacheMetadata} in the schema. Matrices are kept as the worker sent them (NaN for empty ranges).
 *
 * <p>The schema metadata also holds {@code content_crc32c}: the CRC-32C of the other metadata entries (sorted by
 * key, each {@code key NUL value NUL} in UTF-8) followed by every batch's layer, head and matrix columns as stored
 * (little-endian int32 and float32 bits). Reading checks it, so a damaged entry is never used, whatever its size.
 */
final class CacheFile {

    static final String CHECKSUM = "content_crc32c";

    private CacheFile() {
    }

    /** Writes to a temporary file beside {@code target} and renames it, so readers never see a partial entry. */
    static void write(Path target, CacheMetadata meta, float[] data) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(meta.toMap());
        metadata.put(CHECKSUM, Checksums.hex(checksum(metadata, meta, data)));
        Files.createDirectories(target.getParent());
        Path tmp = AtomicFiles.newSibling(target);
        try {
            try (BufferAllocator allocator = new RootAllocator();
                 VectorSchemaRoot root = VectorSchemaRoot.create(schema(meta, metadata), allocator);
                 FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 ArrowFileWriter writer = new ArrowFileWriter(root, new DictionaryProvider.MapDictionaryProvider(),
                         channel)) {
                allocate(root, meta);
                writer.start();
                for (int layer = 0; layer < meta.layers(); layer++) {
                    fillLayer(root, meta, data, layer);
                    writer.writeBatch();
                }
                writer.end();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The metadata alone (not checked: {@link #readMatrices} and {@link #verify} check the whole entry).
     *
     * @throws DamagedEntryException if it cannot be read or describes no entry
     */
    static CacheMetadata readMetadata(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            return CacheMetadata.fromMap(reader.getVectorSchemaRoot().getSchema().getCustomMetadata());
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /** A damaged Arrow file fails inside the reader in many ways (bounds, sizes, flatbuffers): all mean damaged. */
    private static DamagedEntryException unreadable(Path file, RuntimeException e) {
        DamagedEntryException damaged = new DamagedEntryException(file, "unreadable (" + e + ")");
        damaged.initCause(e);
        return damaged;
    }

    /** Reads the whole entry and checks its checksum and shape against {@code meta}, keeping nothing. */
    static void verify(Path file, CacheMetadata meta) throws IOException {
        read(file, meta, null);
    }

    /**
     * The matrices in the analysis layout, {@code M[l,h][i,j]} at {@code ((l·H + h)·n + i)·n + j}, once the entry's
     * checksum and shape match {@code meta}.
     *
     * @throws DamagedEntryException if they do not
     */
    static float[] readMatrices(Path file, CacheMetadata meta) throws IOException {
        float[] data = new float[Math.multiplyExact(meta.layers() * meta.heads(), meta.size() * meta.size())];
        read(file, meta, data);
        return data;
    }

    /** @param data filled in the analysis layout, or null to only check */
    private static void read(Path file, CacheMetadata meta, float[] data) throws IOException {
        try {
            readChecked(file, meta, data);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    private static void readChecked(Path file, CacheMetadata meta, float[] data) throws IOException {
        int cells = meta.size() * meta.size();
        boolean[] seen = new boolean[meta.layers() * meta.heads()];
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            Map<String, String> metadata = root.getSchema().getCustomMetadata();
            String recorded = metadata.get(CHECKSUM);
            if (recorded == null) {
                throw new DamagedEntryException(file, "no " + CHECKSUM + " in its metadata");
            }
            CRC32C crc = metadataCrc(metadata);
            IntVector layers = (IntVector) root.getVector("layer");
            IntVector heads = (IntVector) root.getVector("head");
            FixedSizeListVector matrices = (FixedSizeListVector) root.getVector("matrix");
            if (matrices.getListSize() != cells) {
                throw new DamagedEntryException(file, "matrices of " + matrices.getListSize() + " cells, expected "
                        + cells);
            }
            Float4Vector values = (Float4Vector) matrices.getDataVector();
            while (reader.loadNextBatch()) {
                int rows = root.getRowCount();
                crc.update(layers.getDataBuffer().nioBuffer(0, rows * Integer.BYTES));
                crc.update(heads.getDataBuffer().nioBuffer(0, rows * Integer.BYTES));
                crc.update(values.getDataBuffer().nioBuffer(0, rows * cells * Float.BYTES));
                for (int row = 0; row < rows; row++) {
                    int layer = layers.get(row);
                    int head = heads.get(row);
                    if (layer < 0 || layer >= meta.layers() || head < 0 || head >= meta.heads()) {
                        throw new DamagedEntryException(file, "layer " + layer + " head " + head + " outside the shape");
                    }
                    int flat = layer * meta.heads() + head;
                    seen[flat] = true;
                    if (data != null) {
                        int base = flat * cells;
                        int from = row * cells;
                        for (int k = 0; k < cells; k++) {
                            data[base + k] = values.get(from + k);
                        }
                    }
                }
            }
            String actual = Checksums.hex(crc.getValue());
            if (!actual.equals(recorded)) {
                throw new DamagedEntryException(file, "content checksum " + actual + ", recorded " + recorded);
            }
        }
        for (int flat = 0; flat < seen.length; flat++) {
            if (!seen[flat]) {
                throw new DamagedEntryException(file, "no matrix for layer " + flat / meta.heads() + " head "
                        + flat % meta.heads());
            }
        }
    }

    /** The checksum {@link #read} recomputes, from what is about to be written. */
    private static long checksum(Map<String, String> metadata, CacheMetadata meta, float[] data) {
        CRC32C crc = metadataCrc(metadata);
        int cells = meta.size() * meta.size();
        ByteBuffer ints = ByteBuffer.allocate(meta.heads() * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer floats = ByteBuffer.allocate(cells * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int layer = 0; layer < meta.layers(); layer++) {
            ints.clear();
            for (int head = 0; head < meta.heads(); head++) {
                ints.putInt(layer);
            }
            crc.update(ints.flip());
            ints.clear();
            for (int head = 0; head < meta.heads(); head++) {
                ints.putInt(head);
            }
            crc.update(ints.flip());
            for (int head = 0; head < meta.heads(); head++) {
                floats.clear();
                int base = (layer * meta.heads() + head) * cells;
                for (int k = 0; k < cells; k++) {
                    floats.putFloat(data[base + k]);
                }
                crc.update(floats.flip());
            }
        }
        return crc.getValue();
    }

    private static CRC32C metadataCrc(Map<String, String> metadata) {
        CRC32C crc = new CRC32C();
        new TreeMap<>(metadata).forEach((key, value) -> {
            if (!key.equals(CHECKSUM)) {
                crc.update((key + '\0' + value + '\0').getBytes(StandardCharsets.UTF_8));
            }
        });
        return crc;
    }

    private static Schema schema(CacheMetadata meta, Map<String, String> metadata) {
        Field values = new Field("value", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                null);
        Field matrix = new Field("matrix", FieldType.notNullable(new ArrowType.FixedSizeList(meta.size() * meta.size())),
                List.of(values));
        return new Schema(List.of(
                new Field("layer", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                new Field("head", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                matrix), metadata);
    }

    /** Every batch has one row per head, so the buffers are allocated once and refilled per layer. */
    private static void allocate(VectorSchemaRoot root, CacheMetadata meta) {
        ((IntVector) root.getVector("layer")).allocateNew(meta.heads());
        ((IntVector) root.getVector("head")).allocateNew(meta.heads());
        FixedSizeListVector matrices = (FixedSizeListVector) root.getVector("matrix");
        matrices.setInitialCapacity(meta.heads());
        matrices.allocateNew();
    }

    private static void fillLayer(VectorSchemaRoot root, CacheMetadata meta, float[] data, int layer) {
        IntVector layers = (IntVector) root.getVector("layer");
        IntVector heads = (IntVector) root.getVector("head");
        FixedSizeListVector matrices = (FixedSizeListVector) root.getVector("matrix");
        Float4Vector values = (Float4Vector) matrices.getDataVector();
        int cells = meta.size() * meta.size();
        for (int head = 0; head < meta.heads(); head++) {
            layers.set(head, layer);
            heads.set(head, head);
            matrices.setNotNull(head);
            int base = (layer * meta.heads() + head) * cells;
            int to = head * cells;
            for (int k = 0; k < cells; k++) {
                values.set(to + k, data[base + k]);
            }
        }
        root.setRowCount(meta.heads());
    }
}
