package io.thoughtanchors.pipeline.cache;

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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One trace's pooled attention as an Arrow IPC file: one record batch per layer, one row per head
 * ({@code layer:int32, head:int32, matrix:fixed_size_list<float32>[n·n]}, row-major), the
 * {@link CacheMetadata} in the schema. Matrices are kept as the worker sent them (NaN for empty ranges).
 */
final class CacheFile {

    private CacheFile() {
    }

    /** Writes to a temporary file beside {@code target} and renames it, so readers never see a partial entry. */
    static void write(Path target, CacheMetadata meta, float[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            try (BufferAllocator allocator = new RootAllocator();
                 VectorSchemaRoot root = VectorSchemaRoot.create(schema(meta), allocator);
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

    static CacheMetadata readMetadata(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            return CacheMetadata.fromMap(reader.getVectorSchemaRoot().getSchema().getCustomMetadata());
        }
    }

    /** The matrices in the analysis layout: {@code M[l,h][i,j]} at {@code ((l·H + h)·n + i)·n + j}. */
    static float[] readMatrices(Path file, CacheMetadata meta) throws IOException {
        int cells = meta.size() * meta.size();
        float[] data = new float[Math.multiplyExact(meta.layers() * meta.heads(), cells)];
        boolean[] seen = new boolean[meta.layers() * meta.heads()];
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            IntVector layers = (IntVector) root.getVector("layer");
            IntVector heads = (IntVector) root.getVector("head");
            FixedSizeListVector matrices = (FixedSizeListVector) root.getVector("matrix");
            if (matrices.getListSize() != cells) {
                throw new IOException(file + ": matrices of " + matrices.getListSize() + " cells, expected " + cells);
            }
            Float4Vector values = (Float4Vector) matrices.getDataVector();
            while (reader.loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    int layer = layers.get(row);
                    int head = heads.get(row);
                    if (layer < 0 || layer >= meta.layers() || head < 0 || head >= meta.heads()) {
                        throw new IOException(file + ": layer " + layer + " head " + head + " outside the shape");
                    }
                    int flat = layer * meta.heads() + head;
                    seen[flat] = true;
                    int base = flat * cells;
                    int from = row * cells;
                    for (int k = 0; k < cells; k++) {
                        data[base + k] = values.get(from + k);
                    }
                }
            }
        }
        for (int flat = 0; flat < seen.length; flat++) {
            if (!seen[flat]) {
                throw new IOException(file + ": no matrix for layer " + flat / meta.heads() + " head "
                        + flat % meta.heads());
            }
        }
        return data;
    }

    private static Schema schema(CacheMetadata meta) {
        Field values = new Field("value", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                null);
        Field matrix = new Field("matrix", FieldType.notNullable(new ArrowType.FixedSizeList(meta.size() * meta.size())),
                List.of(values));
        return new Schema(List.of(
                new Field("layer", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                new Field("head", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                matrix), meta.toMap());
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
