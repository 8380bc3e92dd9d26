package io.thoughtanchors.worker;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * What a worker serves (the Describe answer).
 *
 * @param kvHeadOfQueryHead the KV head each query head reads (GQA), length {@code numQueryHeads}
 * @param bosTokenId        -1 if the tokenizer adds no BOS
 * @param dtype             weight dtype; softmax and reductions are float32 regardless
 * @param capabilities      e.g. {@code attention.raw}, {@code logits.nucleus}, {@code suppression.per_head}; kept sorted,
 *                          so that what is written of a ModelInfo does not depend on the order they arrived in
 * @param syntheticWeights  seeded random weights: results check the pipeline, not the science
 * @param maxChunkBytes     the worker never sends a tensor chunk larger than this
 */
public record ModelInfo(String modelId, String architecture, int numLayers, int numQueryHeads, int numKvHeads,
                        List<Integer> kvHeadOfQueryHead, int headDim, int vocabSize, int bosTokenId,
                        String dtype, String attentionImplementation, List<String> devices, int maxTokens,
                        String workerVersion, int contractVersion, Set<String> capabilities,
                        boolean syntheticWeights, String notes, long maxChunkBytes) {

    /** The contract version this client speaks (proto {@code CONTRACT_VERSION_1}). */
    public static final int CONTRACT_VERSION = 1;

    public ModelInfo {
        kvHeadOfQueryHead = List.copyOf(kvHeadOfQueryHead);
        devices = List.copyOf(devices);
        capabilities = Collections.unmodifiableSortedSet(new TreeSet<>(capabilities));
        if (numLayers <= 0 || numQueryHeads <= 0 || numKvHeads <= 0 || vocabSize <= 0 || maxTokens <= 0) {
            throw new IllegalArgumentException("layer, head, vocabulary and token counts must be positive");
        }
        if (kvHeadOfQueryHead.size() != numQueryHeads
                || kvHeadOfQueryHead.stream().anyMatch(kv -> kv < 0 || kv >= numKvHeads)) {
            throw new IllegalArgumentException("kv_head_of_query_head must map each of " + numQueryHeads
                    + " query heads to one of " + numKvHeads + " KV heads, got " + kvHeadOfQueryHead);
        }
    }

    /** What a worker that declares no backend runs: workers before the backend seam had only this one. */
    public static final String DEFAULT_BACKEND = "hf";
    private static final String BACKEND = "backend.";
    private static final String BACKEND_VERSION = "backend.version:";

    public boolean hasCapability(String capability) {
        return capabilities.contains(capability);
    }

    /** The worker's --backend, its {@code backend.<name>} capability, or {@link #DEFAULT_BACKEND} if it declares none. */
    public String backend() {
        return capabilities.stream().filter(c -> c.startsWith(BACKEND) && !c.startsWith(BACKEND_VERSION))
                .map(c -> c.substring(BACKEND.length())).findFirst().orElse(DEFAULT_BACKEND);
    }

    /** The library the backend is built on, e.g. {@code transformers-5.17.0}, if the worker declares it. */
    public Optional<String> backendVersion() {
        return capabilities.stream().filter(c -> c.startsWith(BACKEND_VERSION))
                .map(c -> c.substring(BACKEND_VERSION.length())).findFirst();
    }

    /** Layers 0..numLayers-1, what an empty layer list in a query means. */
    public List<Integer> allLayers() {
        return range(numLayers);
    }

    /** Query heads 0..numQueryHeads-1, what an empty head list in a query means. */
    public List<Integer> allHeads() {
        return range(numQueryHeads);
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }
}
