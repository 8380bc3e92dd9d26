package io.thoughtanchors.worker;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * An attention request: raw {@code N x N} probabilities or block means over token ranges
 * ({@code n x n}), for chosen layers and query heads, optionally under a suppression.
 * Build with {@link #raw} or {@link #pooled} and the {@code with*} methods.
 *
 * @param layers        layers to stream, in any order; empty = all
 * @param heads         query heads (after GQA expansion); empty = all
 * @param poolRanges    POOLED only: sorted, non-overlapping ranges within [0, N]; an empty range
 *                      yields NaN rows and columns
 * @param queryBlock    rows per fp32 softmax block on the worker; 0 = worker default
 * @param maxChunkBytes largest chunk the worker may send; 0 = worker default
 */
public record AttentionQuery(ModelInput input, Mode mode, List<Integer> layers, List<Integer> heads,
                             List<TokenRange> poolRanges, Suppression suppression, int queryBlock,
                             long maxChunkBytes) {

    public enum Mode { RAW, POOLED }

    public AttentionQuery {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(suppression, "suppression");
        layers = distinctNonNegative(layers, "layers");
        heads = distinctNonNegative(heads, "heads");
        poolRanges = TokenRange.requireSortedDisjoint(poolRanges, "pool ranges");
        if (mode == Mode.RAW && !poolRanges.isEmpty()) {
            throw new IllegalArgumentException("pool ranges are for POOLED queries only");
        }
        if (mode == Mode.POOLED && poolRanges.isEmpty()) {
            throw new IllegalArgumentException("a POOLED query needs at least one pool range");
        }
        if (queryBlock < 0 || maxChunkBytes < 0) {
            throw new IllegalArgumentException("queryBlock and maxChunkBytes must be >= 0 (0 = worker default)");
        }
    }

    /** Token-level probabilities of every layer and head. */
    public static AttentionQuery raw(ModelInput input) {
        return new AttentionQuery(input, Mode.RAW, List.of(), List.of(), List.of(), Suppression.NONE, 0, 0);
    }

    /** Block means over {@code ranges} (e.g. sentences) of every layer and head. */
    public static AttentionQuery pooled(ModelInput input, List<TokenRange> ranges) {
        return new AttentionQuery(input, Mode.POOLED, List.of(), List.of(), ranges, Suppression.NONE, 0, 0);
    }

    public AttentionQuery withLayers(List<Integer> layers) {
        return new AttentionQuery(input, mode, layers, heads, poolRanges, suppression, queryBlock, maxChunkBytes);
    }

    public AttentionQuery withHeads(List<Integer> heads) {
        return new AttentionQuery(input, mode, layers, heads, poolRanges, suppression, queryBlock, maxChunkBytes);
    }

    public AttentionQuery withSuppression(Suppression suppression) {
        return new AttentionQuery(input, mode, layers, heads, poolRanges, suppression, queryBlock, maxChunkBytes);
    }

    public AttentionQuery withQueryBlock(int queryBlock) {
        return new AttentionQuery(input, mode, layers, heads, poolRanges, suppression, queryBlock, maxChunkBytes);
    }

    public AttentionQuery withMaxChunkBytes(long maxChunkBytes) {
        return new AttentionQuery(input, mode, layers, heads, poolRanges, suppression, queryBlock, maxChunkBytes);
    }

    /** Side of each matrix for a given input length: N for RAW, the number of ranges for POOLED. */
    public int matrixSize(int numTokens) {
        return mode == Mode.RAW ? numTokens : poolRanges.size();
    }

    static List<Integer> distinctNonNegative(List<Integer> values, String what) {
        List<Integer> copy = List.copyOf(values);
        if (copy.stream().anyMatch(v -> v < 0) || new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException(what + " must be distinct and >= 0: " + copy);
        }
        return copy;
    }
}
