package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What --worker values mean, and which count as loopback (the only plaintext a token may travel over). */
class ChannelTargetTest {

    @Test
    void addressesBecomeOneStaticTargetAndADnsNameStaysADnsTarget() {
        ChannelTarget fixed = ChannelTarget.parse(List.of("127.0.0.1:1", "localhost:2"));
        assertTrue(fixed.uri().startsWith("ta-workers:///"), fixed.uri());
        assertEquals("the worker at 127.0.0.1:1,localhost:2", fixed.description());
        assertTrue(fixed.loopbackOnly());

        ChannelTarget dns = ChannelTarget.parse(List.of("dns:///workers.svc.cluster.local:50051"));
        assertEquals("dns:///workers.svc.cluster.local:50051", dns.uri());
        assertEquals("the workers at dns:///workers.svc.cluster.local:50051", dns.description());
        assertFalse(dns.loopbackOnly(), "a name's addresses may change: never taken as loopback");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns://8.8.8.8/workers:50051", "dns:///workers", "dns:workers:50051", "dns:///:50051"})
    void aDnsTargetNeedsNoAuthorityAndAnExplicitPort(String target) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelTarget.parse(List.of(target)));
        assertTrue(e.getMessage().contains("dns:///HOST:PORT"), e.getMessage());
    }

    @Test
    void aDnsTargetStandsAlone() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelTarget.parse(List.of("dns:///workers:50051", "127.0.0.1:1")));
        assertTrue(e.getMessage().contains("stands alone"), e.getMessage());
    }

    @Test
    void onlyLoopbackLiteralsAndLocalhostAreLoopback() {
        assertTrue(WorkerAddress.parse("[::1]:7").isLoopback());
        assertTrue(WorkerAddress.parse("127.3.4.5:7").isLoopback());
        assertFalse(WorkerAddress.parse("10.0.0.1:7").isLoopback());
        assertFalse(WorkerAddress.parse("gpu-box:7").isLoopback(), "a name is not looked up");
        assertFalse(ChannelTarget.parse(List.of("127.0.0.1:1", "gpu-box:2")).loopbackOnly());
    }
}
