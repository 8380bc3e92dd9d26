package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.v1.TensorChunk;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Rebuilds per-head matrices from an Attention stream and hands each to the sink as soon as all
 * its rows arrived, so memory holds only the heads still in flight, never a whole layer.
 * Checks the stream against the query and Describe: chunk kind, matrix shape, requested layers
 * and heads, every row exactly once, and layers arriving one after another.
 */
final class AttentionAssembler {

    private final TensorChunk.Kind kind;
    private final Set<Integer> layers;
    private final Set<Integer> heads;
    private final int poolSize;
    private final int expectedTokens;
    private final AttentionSink sink;
    private final ProgressListener progress;

    private int numTokens = -1;
    private int currentLayer = -1;
    private final Set<Integer> finishedLayers = new HashSet<>();
    private final Set<Integer> deliveredHeads = new HashSet<>();
    private final Map<Integer, PartialMatrix> open = new HashMap<>();

    /** @param expectedTokens N if the input was token ids, -1 for text (known only from the reply) */
    AttentionAssembler(AttentionQuery query, ModelInfo info, int expectedTokens, AttentionSink sink,
                       ProgressListener progress) {
        this.kind = query.mode() == AttentionQuery.Mode.RAW
                ? TensorChunk.Kind.ATTENTION_RAW : TensorChunk.Kind.ATTENTION_POOLED;
        this.layers = Set.copyOf(query.layers().isEmpty() ? info.allLayers() : query.layers());
        this.heads = Set.copyOf(query.heads().isEmpty() ? info.allHeads() : query.heads());
        this.poolSize = query.poolRanges().size();
        this.expectedTokens = expectedTokens;
        this.sink = sink;
        this.progress = progress;
    }

    void accept(TensorChunk chunk, BufferAllocator allocator) {
        checkHeader(chunk);
        if (chunk.getLayer() != currentLayer) {
            if (currentLayer != -1 && !finishedLayers.contains(currentLayer)) {
                throw violation("layer " + chunk.getLayer() + " began before layer " + currentLayer
                        + " was complete (" + deliveredHeads.size() + " of " + heads.size() + " heads)");
            }
            if (finishedLayers.contains(chunk.getLayer())) {
                throw violation("layer " + chunk.getLayer() + " arrived again after it was complete");
            }
            currentLayer = chunk.getLayer();
        }
        ArrowColumns.readBatches(chunk.getArrowIpc(), allocator, root -> acceptBatch(chunk, root));
    }

    void finish() {
        if (finishedLayers.size() != layers.size()) {
            Set<Integer> missing = new HashSet<>(layers);
            missing.removeAll(finishedLayers);
            throw violation("stream ended with layers " + missing + " incomplete");
        }
    }

    private void checkHeader(TensorChunk chunk) {
        if (chunk.getKind() != kind) {
            throw violation("chunk kind " + chunk.getKind() + ", expected " + kind);
        }
        if (numTokens == -1) {
            numTokens = chunk.getNumTokens();
            if (numTokens <= 0 || (expectedTokens != -1 && numTokens != expectedTokens)) {
                throw violation("num_tokens " + numTokens + (expectedTokens != -1 ? " for " + expectedTokens
                        + " input tokens" : ""));
            }
        } else if (chunk.getNumTokens() != numTokens) {
            throw violation("num_tokens changed from " + numTokens + " to " + chunk.getNumTokens());
        }
        int size = kind == TensorChunk.Kind.ATTENTION_RAW ? numTokens : poolSize;
        if (chunk.getRows() != size || chunk.getCols() != size) {
            throw violation("matrix shape " + chunk.getRows() + "x" + chunk.getCols() + ", expected " + size + "x" + size);
        }
        if (chunk.getLayersTotal() != layers.size()) {
            throw violation("layers_total " + chunk.getLayersTotal() + ", but " + layers.size() + " layers were asked for");
        }
        if (!layers.contains(chunk.getLayer())) {
            throw violation("layer " + chunk.getLayer() + " was not asked for");
        }
    }

    private void acceptBatch(TensorChunk chunk, VectorSchemaRoot root) {
        int rows = chunk.getRows();
        int cols = chunk.getCols();
        IntVector layer = ArrowColumns.ints(root, "layer");
        IntVector head = ArrowColumns.ints(root, "head");
        IntVector row = ArrowColumns.ints(root, "row");
        ArrowBuf values = ArrowColumns.floatRows(root, "values", cols).getDataBuffer();
        for (int i = 0; i < root.getRowCount(); i++) {
            int l = layer.get(i);
            int h = head.get(i);
            int r = row.get(i);
            if (l != currentLayer || finishedLayers.contains(l)) {
                throw violation(l != currentLayer ? "row of layer " + l + " in a chunk of layer " + currentLayer
                        : "layer " + l + " sent more rows after it was complete");
            }
            if (!heads.contains(h) || deliveredHeads.contains(h)) {
                throw violation("layer " + l + " head " + h + (heads.contains(h) ? " sent again" : " was not asked for"));
            }
            if (r < 0 || r >= rows) {
                throw violation("layer " + l + " head " + h + " row " + r + " outside [0, " + rows + ")");
            }
            PartialMatrix m = open.computeIfAbsent(h, k -> new PartialMatrix(rows, cols));
            if (m.received.get(r)) {
                throw violation("layer " + l + " head " + h + " row " + r + " sent twice");
            }
            m.received.set(r);
            ArrowColumns.copyFloats(values, (long) i * cols, m.values, r * cols, cols);
            if (++m.count == rows) {
                open.remove(h);
                deliveredHeads.add(h);
                sink.accept(new AttentionMatrix(l, h, rows, cols, m.values));
                if (deliveredHeads.size() == heads.size()) {
                    finishLayer();
                }
            }
        }
    }

    private void finishLayer() {
        finishedLayers.add(currentLayer);
        deliveredHeads.clear();
        progress.onProgress(finishedLayers.size(), layers.size());
    }

    private static ContractViolation violation(String message) {
        return new ContractViolation(message);
    }

    /** A head's matrix while its rows are still arriving. */
    private static final class PartialMatrix {
        final float[] values;
        final BitSet received;
        int count;

        PartialMatrix(int rows, int cols) {
            values = new float[rows * cols];
            received = new BitSet(rows);
        }
    }
}
