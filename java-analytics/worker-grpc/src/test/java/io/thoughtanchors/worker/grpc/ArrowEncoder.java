package io.thoughtanchors.worker.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes record batches exactly as the proto's TensorChunk comment defines them, one IPC stream each. */
public final class ArrowEncoder {

    private static final ArrowType INT32 = new ArrowType.Int(32, true);
    private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

    private ArrowEncoder() {
    }

    /** {@code layer, head, row, values:fixed_size_list<float32>[cols]}; {@code values} is rows x cols row-major. */
    public static ByteString attention(BufferAllocator allocator, int cols, int[] layer, int[] head, int[] row, float[] values) {
        Schema schema = new Schema(List.of(scalar("layer", INT32), scalar("head", INT32), scalar("row", INT32),
                fixedList("values", cols)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            setInts(root, "layer", layer);
            setInts(root, "head", head);
            setInts(root, "row", row);
            setFixedRows(root, "values", layer.length, cols, values);
            return write(root, layer.length);
        }
    }

    /** {@code variant, position, retained_mass, token_ids:list<int32>, logits:list<float32>}. */
    static ByteString nucleus(BufferAllocator allocator, int[] variant, int[] position, float[] retained,
                              int[][] ids, float[][] logits) {
        Schema schema = new Schema(List.of(scalar("variant", INT32), scalar("position", INT32),
                scalar("retained_mass", FLOAT32), list("token_ids", INT32), list("logits", FLOAT32)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            setInts(root, "variant", variant);
            setInts(root, "position", position);
            Float4Vector mass = (Float4Vector) root.getVector("retained_mass");
            ListVector idList = (ListVector) root.getVector("token_ids");
            ListVector logitList = (ListVector) root.getVector("logits");
            IntVector idValues = (IntVector) idList.getDataVector();
            Float4Vector logitValues = (Float4Vector) logitList.getDataVector();
            for (int i = 0; i < variant.length; i++) {
                mass.setSafe(i, retained[i]);
                int start = idList.startNewValue(i);
                logitList.startNewValue(i);
                for (int j = 0; j < ids[i].length; j++) {
                    idValues.setSafe(start + j, ids[i][j]);
                    logitValues.setSafe(start + j, logits[i][j]);
                }
                idList.endValue(i, ids[i].length);
                logitList.endValue(i, logits[i].length);
            }
            return write(root, variant.length);
        }
    }

    /** {@code variant, position, logits:fixed_size_list<float32>[vocab]}; {@code values} is rows x vocab. */
    static ByteString fullLogits(BufferAllocator allocator, int vocab, int[] variant, int[] position, float[] values) {
        Schema schema = new Schema(List.of(scalar("variant", INT32), scalar("position", INT32),
                fixedList("logits", vocab)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            setInts(root, "variant", variant);
            setInts(root, "position", position);
            setFixedRows(root, "logits", variant.length, vocab, values);
            return write(root, variant.length);
        }
    }

    private static Field scalar(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }

    private static Field fixedList(String name, int width) {
        return new Field(name, FieldType.notNullable(new ArrowType.FixedSizeList(width)),
                List.of(scalar("item", FLOAT32)));
    }

    private static Field list(String name, ArrowType element) {
        return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(scalar("item", element)));
    }

    private static void setInts(VectorSchemaRoot root, String name, int[] values) {
        IntVector v = (IntVector) root.getVector(name);
        for (int i = 0; i < values.length; i++) {
            v.setSafe(i, values[i]);
        }
    }

    private static void setFixedRows(VectorSchemaRoot root, String name, int rows, int width, float[] values) {
        FixedSizeListVector list = (FixedSizeListVector) root.getVector(name);
        Float4Vector data = (Float4Vector) list.getDataVector();
        data.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            data.set(i, values[i]);
        }
        for (int i = 0; i < rows; i++) {
            list.setNotNull(i);
        }
    }

    private static ByteString write(VectorSchemaRoot root, int rows) {
        for (FieldVector v : root.getFieldVectors()) {
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
            writer.start();
            writer.writeBatch();
            writer.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return UnsafeByteOperations.unsafeWrap(out.toByteArray());
    }
}
