package io.thoughtanchors.worker.grpc;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Typed, null-free column lookup in a decoded record batch, and bulk copies out of Arrow buffers.
 * Every shape or type surprise is a {@link ContractViolation} naming the column.
 */
final class ArrowColumns {

    private ArrowColumns() {
    }

    static IntVector ints(VectorSchemaRoot root, String name) {
        return column(root, name, IntVector.class, "int32");
    }

    static Float4Vector floats(VectorSchemaRoot root, String name) {
        return column(root, name, Float4Vector.class, "float32");
    }

    /** A {@code fixed_size_list<float32>[width]} column; returns its float child. */
    static Float4Vector floatRows(VectorSchemaRoot root, String name, int width) {
        FixedSizeListVector list = column(root, name, FixedSizeListVector.class, "fixed_size_list<float32>");
        if (list.getListSize() != width) {
            throw mismatch("column '" + name + "' holds rows of " + list.getListSize() + " values, expected " + width);
        }
        return child(list.getDataVector(), name, Float4Vector.class, "float32");
    }

    /** A {@code list<element>} column. */
    static ListVector list(VectorSchemaRoot root, String name, Class<? extends FieldVector> element, String type) {
        ListVector list = column(root, name, ListVector.class, "list<" + type + ">");
        child(list.getDataVector(), name, element, type);
        return list;
    }

    /** Decodes a chunk's self-contained IPC stream and hands each record batch to {@code onBatch}. */
    static void readBatches(ByteString ipc, BufferAllocator allocator, Consumer<VectorSchemaRoot> onBatch) {
        try (ArrowStreamReader reader = new ArrowStreamReader(ipc.newInput(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();  // one root, reloaded per batch
            while (loadNext(reader)) {
                onBatch.accept(root);
            }
        } catch (IOException e) {
            throw new ContractViolation("unreadable Arrow IPC stream: " + e.getMessage(), e);
        }
    }

    private static boolean loadNext(ArrowStreamReader reader) throws IOException {
        try {
            return reader.loadNextBatch();
        } catch (RuntimeException e) { // Arrow signals malformed or compressed bodies this way
            throw new ContractViolation("unreadable Arrow record batch: " + e.getMessage(), e);
        }
    }

    /** Copies {@code count} little-endian floats starting at element {@code from} of {@code buf}. */
    static void copyFloats(ArrowBuf buf, long from, float[] dst, int offset, int count) {
        buf.nioBuffer(from * Float.BYTES, count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(dst, offset, count);
    }

    /** Copies {@code count} little-endian ints starting at element {@code from} of {@code buf}. */
    static void copyInts(ArrowBuf buf, long from, int[] dst, int offset, int count) {
        buf.nioBuffer(from * Integer.BYTES, count * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer().get(dst, offset, count);
    }

    private static <T extends FieldVector> T column(VectorSchemaRoot root, String name, Class<T> type, String typeName) {
        FieldVector v = root.getVector(name);
        if (v == null) {
            throw mismatch("no column '" + name + "' in schema " + root.getSchema());
        }
        return child(v, name, type, typeName);
    }

    private static <T> T child(Object v, String name, Class<T> type, String typeName) {
        if (!type.isInstance(v)) {
            throw mismatch("column '" + name + "' should be " + typeName + ", is " + ((FieldVector) v).getField());
        }
        if (((FieldVector) v).getNullCount() != 0) {
            throw mismatch("column '" + name + "' has nulls");
        }
        return type.cast(v);
    }

    private static ContractViolation mismatch(String message) {
        return new ContractViolation(message);
    }
}
