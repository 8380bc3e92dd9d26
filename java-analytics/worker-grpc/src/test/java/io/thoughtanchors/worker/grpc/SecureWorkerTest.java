package io.thoughtanchors.worker.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.NucleusSpec;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.WorkerException;
import io.thoughtanchors.worker.WorkerException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and tokens over real sockets, with a CA made at test time: a worker that serves TLS, wants client certificates
 * of its CA and checks bearer tokens the way the Python worker does (UNAUTHENTICATED without one, PERMISSION_DENIED
 * for a wrong one). Every verb works through gRPC's own credentials; each misconfiguration fails with one clear line
 * that never shows the token.
 */
class SecureWorkerTest {

    private static final String TOKEN = "s3cret-token-7f1c";

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki otherPki;
    static TestPki.Issued serverCertificate;
    static TestPki.Issued clientCertificate;

    private final BufferAllocator serverAllocator = new RootAllocator();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private FakeWorker fake;
    private Server server;

    @BeforeAll
    static void makeCertificates() {
        pki = TestPki.create(dir, "test");
        otherPki = TestPki.create(dir, "other");
        serverCertificate = pki.issue("worker");
        clientCertificate = pki.issue("client");
    }

    /** A TLS worker on a free port; with {@code requireClientCertificate}, mutual TLS against the test CA. */
    private String startWorker(boolean requireClientCertificate) throws Exception {
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                .keyManager(serverCertificate.certificate().toFile(), serverCertificate.key().toFile());
        if (requireClientCertificate) {
            tls.trustManager(pki.caFile.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        fake = new FakeWorker(serverAllocator);
        server = NettyServerBuilder.forPort(0, tls.build())
                .addService(ServerInterceptors.intercept(fake, new TokenCheck())).build().start();
        return "localhost:" + server.getPort();
    }

    /** The worker's token check: UNAUTHENTICATED without a bearer token, PERMISSION_DENIED for another one. */
    private final class TokenCheck implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            String authorization = headers.get(TokenCredentials.AUTHORIZATION);
            if (authorization != null) {
                authorizations.add(authorization);
            }
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                call.close(Status.UNAUTHENTICATED.withDescription("this worker wants a bearer token"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            if (!authorization.equals("Bearer " + TOKEN)) {
                call.close(Status.PERMISSION_DENIED.withDescription("the bearer token is not valid here"),
                        new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        serverAllocator.close();
    }

    private static GrpcModelWorker connect(String address, WorkerSecurity security) {
        return GrpcModelWorker.connect(List.of(address), GrpcModelWorkerTest.QUICK, security,
                (verb, cause, delay, attempt) -> { });
    }

    private static WorkerSecurity mutualTls() {
        return WorkerSecurity.plaintext().withTrustedCertificates(pki.caFile)
                .withClientCertificate(clientCertificate.certificate(), clientCertificate.key());
    }

    @Test
    void everyVerbWorksOverMutualTlsWithAToken() throws Exception {
        String address = startWorker(true);
        try (GrpcModelWorker worker = connect(address, mutualTls().withToken(BearerToken.of(TOKEN)))) {
            assertEquals(FakeWorker.LAYERS, worker.describe().numLayers());
            assertEquals(4, worker.tokenize("abc", new int[0]).ids().length);
            int[] layers = {0};
            worker.attention(AttentionQuery.raw(ModelInput.text("abc")), m -> layers[0]++);
            assertEquals(FakeWorker.LAYERS * FakeWorker.HEADS, layers[0], "every (layer, head) matrix arrived");
            assertEquals(1, worker.logits(LogitsQuery.nucleus(ModelInput.text("abcdef"), List.of(Suppression.NONE),
                    NucleusSpec.REFERENCE)).variants().size());
        }
        assertEquals(4, fake.calls.get());
        assertTrue(authorizations.size() >= 4 && authorizations.stream().allMatch(("Bearer " + TOKEN)::equals),
                "gRPC's call credentials sent the token with every call: " + authorizations.size());
    }

    @Test
    void plaintextToATlsWorkerFailsWithoutReachingIt() throws Exception {
        String address = startWorker(false);
        try (GrpcModelWorker worker = connect(address, WorkerSecurity.plaintext())) {
            WorkerException e = assertThrows(WorkerException.class, worker::describe);
            assertEquals(Kind.UNAVAILABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains(address), e.getMessage());
            assertOneLine(e);
        }
        assertEquals(0, fake.calls.get());
    }

    @Test
    void aWorkerCertificateFromAnotherCaIsRefused() throws Exception {
        String address = startWorker(false);
        try (GrpcModelWorker worker = connect(address, WorkerSecurity.plaintext()
                .withTrustedCertificates(otherPki.caFile).withToken(BearerToken.of(TOKEN)))) {
            WorkerException e = assertThrows(WorkerException.class, worker::describe);
            assertEquals(Kind.UNAVAILABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("TLS handshake failed: unable to find valid certification path"),
                    "names the failed handshake: " + e.getMessage());
            assertFalse(e.getMessage().contains("Channel Pipeline"), e.getMessage());
            assertOneLine(e);
        }
        assertEquals(List.of(), authorizations, "the token was not sent to a worker whose certificate failed");
    }

    @Test
    void withoutATokenTheWorkerSaysUnauthenticated() throws Exception {
        String address = startWorker(false);
        try (GrpcModelWorker worker = connect(address, WorkerSecurity.plaintext().withTrustedCertificates(pki.caFile))) {
            WorkerException e = assertThrows(WorkerException.class, worker::describe);
            assertEquals(Kind.UNAUTHENTICATED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("wants a bearer token"), e.getMessage());
            assertOneLine(e);
        }
    }

    @Test
    void aWrongTokenIsPermissionDeniedAndNeverShown() throws Exception {
        String address = startWorker(false);
        String wrong = "wrong-token-0000";
        try (GrpcModelWorker worker = connect(address, WorkerSecurity.plaintext().withTrustedCertificates(pki.caFile)
                .withToken(BearerToken.of(wrong)))) {
            WorkerException e = assertThrows(WorkerException.class, worker::describe);
            assertEquals(Kind.PERMISSION_DENIED, e.kind(), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
            assertOneLine(e);
        }
        assertEquals(List.of("Bearer " + wrong), authorizations, "refused once: a denial is not retried");
    }

    @Test
    void withoutAClientCertificateOrWithAnExpiredOneMutualTlsFails() throws Exception {
        String address = startWorker(true);
        Instant now = Instant.now();
        TestPki.Issued expired = pki.issue("expired-client", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)));
        for (WorkerSecurity security : List.of(
                WorkerSecurity.plaintext().withTrustedCertificates(pki.caFile).withToken(BearerToken.of(TOKEN)),
                WorkerSecurity.plaintext().withTrustedCertificates(pki.caFile)
                        .withClientCertificate(expired.certificate(), expired.key()).withToken(BearerToken.of(TOKEN)))) {
            try (GrpcModelWorker worker = connect(address, security)) {
                WorkerException e = assertThrows(WorkerException.class, worker::describe, security.summary());
                assertEquals(Kind.UNAVAILABLE, e.kind(), e.getMessage());
                assertOneLine(e);
            }
        }
        assertEquals(0, fake.calls.get(), "no call got past the handshake");
    }

    @Test
    void aDnsTargetReachesTheWorkerAndChecksItsCertificateAgainstTheName() throws Exception {
        String address = startWorker(false);
        try (GrpcModelWorker worker = connect("dns:///" + address, WorkerSecurity.plaintext()
                .withTrustedCertificates(pki.caFile).withToken(BearerToken.of(TOKEN)))) {
            assertEquals(4, worker.tokenize("abc", new int[0]).ids().length);
        }
    }

    @Test
    void aTokenIsNeverSentInPlaintextOffThisMachine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> connect("192.0.2.7:50051",
                WorkerSecurity.plaintext().withToken(BearerToken.of(TOKEN))));
        assertTrue(e.getMessage().contains("only over TLS"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
        assertFalse(WorkerSecurity.plaintext().withToken(BearerToken.of(TOKEN)).toString().contains(TOKEN));
    }

    @Test
    void aTokenFileHoldsOneTokenAndItsErrorsNeverQuoteIt() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "\n  " + TOKEN + "  \n");
        assertEquals(TOKEN, BearerToken.read(file).value());
        Path two = Files.writeString(dir.resolve("two-tokens"), TOKEN + "\nanother\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BearerToken.read(two));
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        IllegalArgumentException spaced = assertThrows(IllegalArgumentException.class,
                () -> BearerToken.of(TOKEN + " x"));
        assertFalse(spaced.getMessage().contains(TOKEN), spaced.getMessage());
    }

    private static void assertOneLine(WorkerException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }
}
