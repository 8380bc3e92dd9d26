package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.v1.LogitsRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

class ProtoCodecKernelTest {

    private static final LogitsQuery QUERY = LogitsQuery.nucleus(ModelInput.tokens(new int[] {1, 2, 3, 4}),
            List.of(Suppression.NONE, Suppression.allHeads(List.of(new TokenRange(2, 3)))), NucleusSpec.REFERENCE);

    @Test
    void theDefaultKernelIsMaskOnTheWire() {
        assertEquals(Kernel.MASK, QUERY.kernel());
        assertEquals(LogitsRequest.Kernel.KERNEL_MASK, ProtoCodec.logitsRequest(QUERY).getKernel());
    }

    @Test
    void monkeypatchIsSentAndSurvivesTheOtherWithMethods() {
        LogitsQuery q = QUERY.withKernel(Kernel.MONKEYPATCH).withBatchSize(3).withFullRecompute(true);
        assertEquals(Kernel.MONKEYPATCH, q.kernel());
        assertEquals(LogitsRequest.Kernel.KERNEL_MONKEYPATCH, ProtoCodec.logitsRequest(q).getKernel());
    }
}
