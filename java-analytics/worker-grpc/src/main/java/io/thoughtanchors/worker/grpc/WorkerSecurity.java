package io.thoughtanchors.worker.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client proves itself to its workers and checks them: TLS (trusting the JVM's CAs, or only the given CA
 * certificates), optionally a client certificate (mutual TLS), optionally a bearer token. Built into gRPC's own
 * credential types ({@code TlsChannelCredentials}, call credentials); a token is only ever sent over TLS or to a
 * loopback address. {@link #toString()} never shows the token.
 *
 * @param tls                 encrypt and check the worker's certificate
 * @param trustedCertificates PEM CA certificates the worker's certificate must chain to (instead of the JVM's)
 * @param clientCertificate   PEM certificate chain shown to a worker that wants client certificates
 * @param clientKey           its PEM (PKCS#8) private key
 * @param token               the bearer token a worker run with a token file wants
 */
public record WorkerSecurity(boolean tls, Optional<Path> trustedCertificates, Optional<Path> clientCertificate,
                             Optional<Path> clientKey, Optional<BearerToken> token) {

    public WorkerSecurity {
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(clientKey, "clientKey");
        Objects.requireNonNull(token, "token");
        if (clientCertificate.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
        }
        if (!tls && (trustedCertificates.isPresent() || clientCertificate.isPresent())) {
            throw new IllegalArgumentException("CA and client certificates are for TLS connections");
        }
    }

    /** No encryption, no token: workers on loopback or behind an SSH tunnel. */
    public static WorkerSecurity plaintext() {
        return new WorkerSecurity(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** TLS trusting the JVM's default CAs. */
    public static WorkerSecurity tlsWithDefaultTrust() {
        return new WorkerSecurity(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** TLS trusting only the CA certificates in {@code caPem} (a private CA, as docs/operations.md makes). */
    public WorkerSecurity withTrustedCertificates(Path caPem) {
        return new WorkerSecurity(true, Optional.of(caPem), clientCertificate, clientKey, token);
    }

    /** TLS showing this certificate to the worker (mutual TLS). */
    public WorkerSecurity withClientCertificate(Path certificatePem, Path keyPem) {
        return new WorkerSecurity(true, trustedCertificates, Optional.of(certificatePem), Optional.of(keyPem), token);
    }

    public WorkerSecurity withToken(BearerToken value) {
        return new WorkerSecurity(tls, trustedCertificates, clientCertificate, clientKey, Optional.of(value));
    }

    /** Refuses a token that would travel in plaintext to a worker off this machine. */
    void check(ChannelTarget target) {
        if (token.isPresent() && !tls && !target.loopbackOnly()) {
            throw new IllegalArgumentException("a worker token is sent only over TLS or to a loopback address, and "
                    + target.description() + " is not on loopback: connect with TLS (trust the worker's CA)");
        }
    }

    /** The channel's credentials: TLS or plaintext, composed with the token's call credentials. */
    ChannelCredentials channelCredentials() {
        ChannelCredentials channel = tls ? tlsCredentials() : InsecureChannelCredentials.create();
        return token.<ChannelCredentials>map(t -> CompositeChannelCredentials.create(channel, new TokenCredentials(t)))
                .orElse(channel);
    }

    private ChannelCredentials tlsCredentials() {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        if (trustedCertificates.isPresent()) {
            Path ca = trustedCertificates.get();
            try {
                builder.trustManager(ca.toFile());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read the worker CA certificates " + ca + ": " + e.getMessage(), e);
            }
        }
        if (clientCertificate.isPresent()) {
            try {
                builder.keyManager(clientCertificate.get().toFile(), clientKey.orElseThrow().toFile());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read the client certificate " + clientCertificate.get()
                        + " or its key " + clientKey.get() + ": " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /** For run.json: what protects the connection, without the token. */
    public String summary() {
        if (!tls) {
            return token.isPresent() ? "plaintext (loopback) with a token" : "plaintext";
        }
        return "TLS" + (clientCertificate.isPresent() ? " with a client certificate" : "")
                + (token.isPresent() ? " and a token" : "");
    }
}
