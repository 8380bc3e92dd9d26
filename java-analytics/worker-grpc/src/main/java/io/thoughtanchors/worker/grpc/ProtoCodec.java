package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.v1.AttentionRequest;
import io.thoughtanchors.worker.v1.DescribeResponse;
import io.thoughtanchors.worker.v1.GenerateRequest;
import io.thoughtanchors.worker.v1.LayerHeads;
import io.thoughtanchors.worker.v1.LogitsRequest;
import io.thoughtanchors.worker.v1.ModelInput;
import io.thoughtanchors.worker.v1.NucleusSpec;
import io.thoughtanchors.worker.v1.Suppression;
import io.thoughtanchors.worker.v1.TokenIds;
import io.thoughtanchors.worker.v1.TokenRange;
import io.thoughtanchors.worker.v1.TokenizeResponse;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/** Converts between the worker-api value types and the generated protobuf messages. */
final class ProtoCodec {

    private ProtoCodec() {
    }

    static ModelInfo modelInfo(DescribeResponse r) {
        if (r.getContractVersion() != ModelInfo.CONTRACT_VERSION) {
            throw mismatch("Describe: worker speaks contract version " + r.getContractVersion()
                    + ", this client speaks " + ModelInfo.CONTRACT_VERSION);
        }
        try {
            return new ModelInfo(r.getModelId(), r.getArchitecture(), r.getNumLayers(), r.getNumQueryHeads(),
                    r.getNumKvHeads(), r.getKvHeadOfQueryHeadList(), r.getHeadDim(), r.getVocabSize(),
                    r.getBosTokenId(), r.getDtype(), r.getAttentionImplementation(), r.getDevicesList(),
                    r.getMaxTokens(), r.getWorkerVersion(), r.getContractVersion(),
                    new HashSet<>(r.getCapabilitiesList()), r.getSyntheticWeights(), r.getNotes(),
                    r.getMaxChunkBytes());
        } catch (IllegalArgumentException e) {
            throw mismatch("Describe: " + e.getMessage());
        }
    }

    static Tokenization tokenization(TokenizeResponse r, int requestedPrefixes) {
        if (r.getPrefixTokenCountsCount() != requestedPrefixes) {
            throw mismatch("Tokenize: " + r.getPrefixTokenCountsCount() + " prefix counts for "
                    + requestedPrefixes + " prefix offsets");
        }
        try {
            return new Tokenization(ints(r.getIdsList()), ints(r.getCharStartsList()), ints(r.getCharEndsList()),
                    ints(r.getPrefixTokenCountsList()), r.getTokensList());
        } catch (IllegalArgumentException e) {
            throw mismatch("Tokenize: " + e.getMessage());
        }
    }

    static AttentionRequest attentionRequest(AttentionQuery q) {
        AttentionRequest.Builder b = AttentionRequest.newBuilder()
                .setInput(input(q.input()))
                .setMode(q.mode() == AttentionQuery.Mode.RAW ? AttentionRequest.Mode.RAW : AttentionRequest.Mode.POOLED)
                .addAllLayers(q.layers())
                .addAllHeads(q.heads())
                .setQueryBlock(q.queryBlock())
                .setMaxChunkBytes(q.maxChunkBytes());
        q.poolRanges().forEach(r -> b.addPoolRanges(range(r)));
        if (!q.suppression().isBaseline()) {
            b.setSuppression(suppression(q.suppression()));
        }
        return b.build();
    }

    static LogitsRequest logitsRequest(LogitsQuery q) {
        LogitsRequest.Builder b = LogitsRequest.newBuilder()
                .setInput(input(q.input()))
                .addAllFullLogitPositions(q.fullLogitPositions())
                .setFullRecompute(q.fullRecompute())
                .setBatchSize(q.batchSize())
                .setMaxChunkBytes(q.maxChunkBytes());
        q.variants().forEach(v -> b.addVariants(suppression(v)));
        q.nucleus().ifPresent(n -> b.setNucleus(NucleusSpec.newBuilder().setTopP(n.topP()).setMaxK(n.maxK())
                .setTemperature(n.temperature()).setRoundLogitsToFloat16(n.roundToFloat16())));
        return b.build();
    }

    static GenerateRequest generateRequest(GenerateQuery q) {
        return GenerateRequest.newBuilder().setInput(input(q.input())).setMaxNewTokens(q.maxNewTokens())
                .setTemperature(q.temperature()).setTopP(q.topP()).setSeed(q.seed()).addAllStop(q.stop())
                .addAllStopTokenIds(Arrays.stream(q.stopTokenIds()).boxed().toList())
                .setApplyChatTemplate(q.applyChatTemplate()).build();
    }

    private static ModelInput input(io.thoughtanchors.worker.ModelInput input) {
        if (input instanceof io.thoughtanchors.worker.ModelInput.Text t) {
            return ModelInput.newBuilder().setText(t.text()).build();
        }
        int[] ids = ((io.thoughtanchors.worker.ModelInput.Tokens) input).ids();
        return ModelInput.newBuilder()
                .setTokenIds(TokenIds.newBuilder().addAllIds(Arrays.stream(ids).boxed().toList())).build();
    }

    private static Suppression suppression(io.thoughtanchors.worker.Suppression s) {
        Suppression.Builder b = Suppression.newBuilder();
        s.ranges().forEach(r -> b.addRanges(range(r)));
        s.layerHeads().forEach((layer, heads) -> b.addLayerHeads(
                LayerHeads.newBuilder().setLayer(layer).addAllHeads(heads)));
        return b.build();
    }

    private static TokenRange range(io.thoughtanchors.worker.TokenRange r) {
        return TokenRange.newBuilder().setStart(r.start()).setEnd(r.end()).build();
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    static WorkerException mismatch(String message) {
        return new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, message);
    }
}
