package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.VariantLogits;
import io.thoughtanchors.worker.v1.TensorChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Collects a Logits stream per variant: nucleus rows into CSR arrays, full-logit rows by position.
 * Chunks of different variants may interleave; within a variant, nucleus positions must arrive in
 * order from the variant's first_position to N-1. A variant counts as done (and is reported to
 * the progress listener) once its nucleus reached N-1 and every requested full-logit position at
 * or after its first_position arrived.
 */
final class LogitsAssembler {

    private final LogitsQuery query;
    private final ModelInfo info;
    private final int expectedTokens;
    private final ProgressListener progress;
    private final Variant[] variants;
    private int numTokens = -1;
    private int done;

    /** @param expectedTokens N if the input was token ids, -1 for text (known only from the reply) */
    LogitsAssembler(LogitsQuery query, ModelInfo info, int expectedTokens, ProgressListener progress) {
        this.query = query;
        this.info = info;
        this.expectedTokens = expectedTokens;
        this.progress = progress;
        this.variants = new Variant[query.variants().size()];
    }

    void accept(TensorChunk chunk, BufferAllocator allocator) {
        Variant v = variantOf(chunk);
        switch (chunk.getKind()) {
            case NUCLEUS -> {
                if (v.nucleus == null) {
                    throw violation("NUCLEUS chunk, but no nucleus was asked for");
                }
                ArrowColumns.readBatches(chunk.getArrowIpc(), allocator, root -> acceptNucleus(v, root));
            }
            case FULL_LOGITS -> {
                if (v.requestedFull.isEmpty()) {
                    throw violation("FULL_LOGITS chunk, but no full logits were asked for");
                }
                ArrowColumns.readBatches(chunk.getArrowIpc(), allocator, root -> acceptFull(v, root));
            }
            default -> throw violation("chunk kind " + chunk.getKind() + " in a Logits stream");
        }
        if (!v.done && v.isComplete()) {
            v.done = true;
            progress.onProgress(++done, variants.length);
        }
    }

    LogitsResult finish() {
        List<VariantLogits> result = new ArrayList<>();
        for (int i = 0; i < variants.length; i++) {
            Variant v = variants[i];
            if (v == null || !v.done) {
                throw violation("stream ended before variant " + i + " was complete"
                        + (v == null ? " (no chunk of it arrived)" : ""));
            }
            if (v.nucleus != null) {
                v.nucleus.checkIds(info.vocabSize());
            }
            result.add(new VariantLogits(i, v.firstPosition,
                    Optional.ofNullable(v.nucleus).map(NucleusBuilder::build), v.full));
        }
        return new LogitsResult(numTokens, result);
    }

    private Variant variantOf(TensorChunk chunk) {
        if (numTokens == -1) {
            numTokens = chunk.getNumTokens();
            if (numTokens <= 0 || (expectedTokens != -1 && numTokens != expectedTokens)) {
                throw violation("num_tokens " + numTokens + (expectedTokens != -1 ? " for " + expectedTokens
                        + " input tokens" : ""));
            }
        } else if (chunk.getNumTokens() != numTokens) {
            throw violation("num_tokens changed from " + numTokens + " to " + chunk.getNumTokens());
        }
        if (chunk.getVariantsTotal() != variants.length) {
            throw violation("variants_total " + chunk.getVariantsTotal() + ", but " + variants.length
                    + " variants were asked for");
        }
        int index = chunk.getVariant();
        if (index < 0 || index >= variants.length) {
            throw violation("variant " + index + " outside [0, " + variants.length + ")");
        }
        int first = chunk.getFirstPosition();
        if (variants[index] == null) {
            if (first < 0 || first >= numTokens || (query.fullRecompute() && first != 0)) {
                throw violation("variant " + index + " first_position " + first + " with " + numTokens + " tokens"
                        + (query.fullRecompute() ? " and full_recompute" : ""));
            }
            variants[index] = new Variant(index, first);
        } else if (variants[index].firstPosition != first) {
            throw violation("variant " + index + " first_position changed from " + variants[index].firstPosition
                    + " to " + first);
        }
        return variants[index];
    }

    private void acceptNucleus(Variant v, VectorSchemaRoot root) {
        IntVector variant = ArrowColumns.ints(root, "variant");
        IntVector position = ArrowColumns.ints(root, "position");
        Float4Vector retained = ArrowColumns.floats(root, "retained_mass");
        ListVector ids = ArrowColumns.list(root, "token_ids", IntVector.class, "int32");
        ListVector logits = ArrowColumns.list(root, "logits", Float4Vector.class, "float32");
        ArrowBuf idOffsets = ids.getOffsetBuffer();
        ArrowBuf logitOffsets = logits.getOffsetBuffer();
        ArrowBuf idData = ((IntVector) ids.getDataVector()).getDataBuffer();
        ArrowBuf logitData = ((Float4Vector) logits.getDataVector()).getDataBuffer();
        int maxK = query.nucleus().orElseThrow().maxK();
        for (int i = 0; i < root.getRowCount(); i++) {
            checkVariant(v, variant.get(i));
            int p = position.get(i);
            if (p != v.nucleus.nextPosition() || v.nucleus.isComplete()) {
                throw violation("variant " + v.index + " nucleus row for position " + p + ", expected "
                        + (v.nucleus.isComplete() ? "none (all positions arrived)" : v.nucleus.nextPosition()));
            }
            long offset = (long) i * Integer.BYTES;
            int from = idOffsets.getInt(offset);
            int size = idOffsets.getInt(offset + Integer.BYTES) - from;
            if (logitOffsets.getInt(offset) != from || logitOffsets.getInt(offset + Integer.BYTES) != from + size) {
                throw violation("variant " + v.index + " position " + p + ": token_ids and logits lists differ");
            }
            if (size < 1 || size > maxK) {
                throw violation("variant " + v.index + " position " + p + " keeps " + size
                        + " tokens, expected 1.." + maxK);
            }
            v.nucleus.append(retained.get(i), idData, logitData, from, size);
        }
    }

    private void acceptFull(Variant v, VectorSchemaRoot root) {
        IntVector variant = ArrowColumns.ints(root, "variant");
        IntVector position = ArrowColumns.ints(root, "position");
        ArrowBuf data = ArrowColumns.floatRows(root, "logits", info.vocabSize()).getDataBuffer();
        for (int i = 0; i < root.getRowCount(); i++) {
            checkVariant(v, variant.get(i));
            int p = position.get(i);
            if (!v.requestedFull.contains(p) || v.full.containsKey(p)) {
                throw violation("variant " + v.index + " full logits at position " + p
                        + (v.full.containsKey(p) ? " sent twice" : " were not asked for"));
            }
            float[] row = new float[info.vocabSize()];
            ArrowColumns.copyFloats(data, (long) i * row.length, row, 0, row.length);
            v.full.put(p, row);
        }
    }

    private static void checkVariant(Variant v, int rowVariant) {
        if (rowVariant != v.index) {
            throw violation("row of variant " + rowVariant + " in a chunk of variant " + v.index);
        }
    }

    private static ContractViolation violation(String message) {
        return new ContractViolation(message);
    }

    /** One variant's state while its chunks arrive. */
    private final class Variant {
        final int index;
        final int firstPosition;
        final NucleusBuilder nucleus;
        final Set<Integer> requestedFull = new TreeSet<>();  // absolute positions
        final Set<Integer> expectedFull = new TreeSet<>();   // those the worker must ship
        final TreeMap<Integer, float[]> full = new TreeMap<>();
        boolean done;

        Variant(int index, int firstPosition) {
            this.index = index;
            this.firstPosition = firstPosition;
            this.nucleus = query.nucleus().isPresent() ? new NucleusBuilder(firstPosition, numTokens - firstPosition) : null;
            for (int p : query.fullLogitPositions()) {
                int absolute = p < 0 ? numTokens + p : p;
                if (absolute < 0 || absolute >= numTokens) {
                    throw violation("full logit position " + p + " is outside " + numTokens
                            + " tokens; the worker should have rejected it");
                }
                requestedFull.add(absolute);
                if (absolute >= firstPosition) {
                    expectedFull.add(absolute);
                }
            }
        }

        boolean isComplete() {
            return (nucleus == null || nucleus.isComplete()) && full.keySet().containsAll(expectedFull);
        }
    }
}
