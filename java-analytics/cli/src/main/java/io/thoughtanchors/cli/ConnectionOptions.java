package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.grpc.BearerToken;
import io.thoughtanchors.worker.grpc.GrpcWorkerOptions;
import io.thoughtanchors.worker.grpc.WorkerSecurity;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How calls to a worker are timed (deadline, idle timeout, retries of a busy or restarting worker) and how the
 * connection is secured (TLS, a client certificate, a bearer token). The token is never an option value (a command
 * line is visible to every user of the machine): it comes from {@code --token-file} or ${@value #TOKEN_VARIABLE}.
 */
final class ConnectionOptions {

    static final String TOKEN_VARIABLE = "TA_WORKER_TOKEN";

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "7200",
            description = "The most one call to the worker may take, its retries included (default: ${DEFAULT-VALUE}).")
    double deadlineSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "A worker that sends nothing for this long during a call is taken as hung: the call is"
                    + " cancelled and, with several workers, goes to another (default: ${DEFAULT-VALUE}).")
    double idleTimeoutSeconds;

    @Option(names = "--retry-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long a call keeps waiting and retrying a worker that is busy or restarting"
                    + " (default: ${DEFAULT-VALUE}).")
    double retryTimeoutSeconds;

    @Option(names = "--tls", description = "Connect with TLS, trusting the JVM's CA certificates (implied by --tls-ca).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM CA certificate(s) the worker's certificate must chain to; implies --tls.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM client certificate for a worker that wants one (mutual TLS); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the worker's bearer token (one line); without it, $" + TOKEN_VARIABLE
                    + " if set. Sent only over TLS or to a worker on loopback, never logged.")
    Path tokenFile;

    /** Whether any TLS or token setting was given (the environment's token aside). */
    boolean securityGiven() {
        return tls || tlsCa != null || tlsCert != null || tlsKey != null || tokenFile != null;
    }

    /** {@code target} with these timings and, for remote workers, this security. */
    WorkerTarget applyTo(WorkerTarget target) {
        WorkerTarget timed = target.withConnection(connection());
        return target.mode() == WorkerTarget.Mode.REMOTE ? timed.withSecurity(security()) : timed;
    }

    private GrpcWorkerOptions connection() {
        return GrpcWorkerOptions.DEFAULTS.withDeadline(seconds("--deadline", deadlineSeconds))
                .withIdleTimeout(seconds("--idle-timeout", idleTimeoutSeconds))
                .withRetryTimeout(seconds("--retry-timeout", retryTimeoutSeconds));
    }

    private static Duration seconds(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw PipelineException.invalidRequest(option + " must be a positive number of seconds, got " + value);
        }
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
    }

    private WorkerSecurity security() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw PipelineException.invalidRequest("--tls-cert and --tls-key go together");
        }
        WorkerSecurity security = tls || tlsCa != null || tlsCert != null ? WorkerSecurity.tlsWithDefaultTrust()
                : WorkerSecurity.plaintext();
        if (tlsCa != null) {
            security = security.withTrustedCertificates(readable("--tls-ca", tlsCa));
        }
        if (tlsCert != null) {
            security = security.withClientCertificate(readable("--tls-cert", tlsCert), readable("--tls-key", tlsKey));
        }
        return token().map(security::withToken).orElse(security);
    }

    private Optional<BearerToken> token() {
        try {
            if (tokenFile != null) {
                return Optional.of(BearerToken.read(readable("--token-file", tokenFile)));
            }
            String value = System.getenv(TOKEN_VARIABLE);
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            try {
                return Optional.of(BearerToken.of(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("$" + TOKEN_VARIABLE + ": " + e.getMessage());
            }
        } catch (IllegalArgumentException e) {
            throw PipelineException.invalidRequest(e.getMessage());  // the messages never hold the token
        }
    }

    private static Path readable(String option, Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw PipelineException.invalidRequest(option + " " + file + ": no such readable file");
        }
        return file;
    }
}
