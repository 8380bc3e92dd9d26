package io.thoughtanchors.worker.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;

import java.util.concurrent.Executor;

/**
 * gRPC call credentials carrying a {@link BearerToken} in the {@code authorization} header, as the Python client's
 * {@code grpc.access_token_call_credentials} does. They refuse to put the token on a connection that is neither
 * encrypted nor to a loopback address (the channel is built so that this never happens; this is the last guard).
 */
final class TokenCredentials extends CallCredentials {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final BearerToken token;

    TokenCredentials(BearerToken token) {
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY
                && !WorkerAddress.isLoopbackAuthority(info.getAuthority())) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("the client does not send its token over a plaintext"
                    + " connection to " + info.getAuthority() + " (use TLS)"));
            return;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token.value());
        applier.apply(headers);
    }
}
