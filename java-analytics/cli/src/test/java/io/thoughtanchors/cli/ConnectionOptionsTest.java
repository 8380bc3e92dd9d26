package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timing and security options reach the worker target; bad ones are one-line usage errors. */
class ConnectionOptionsTest {

    private static final String TOKEN = "cli-test-token-91ab";

    @TempDir
    Path tmp;

    private final AtomicReference<WorkerTarget> connected = new AtomicReference<>();

    private CliRun describe(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "describe";
        args[1] = "--worker";
        args[2] = "127.0.0.1:50051";
        System.arraycopy(options, 0, args, 3, options.length);
        return CliRun.of(target -> {
            connected.set(target);
            return new FakeModelWorker(2, 3);
        }, args);
    }

    @Test
    void timingAndSecurityOptionsReachTheTarget() throws IOException {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "not read until the channel is built");
        Path token = Files.writeString(tmp.resolve("token"), TOKEN + "\n");

        CliRun run = describe("--deadline", "30", "--idle-timeout", "2.5", "--retry-timeout", "9",
                "--tls-ca", ca.toString(), "--token-file", token.toString());

        assertEquals(0, run.status(), run.transcript());
        WorkerTarget target = connected.get();
        assertEquals(Duration.ofSeconds(30), target.connection().deadline());
        assertEquals(Duration.ofMillis(2500), target.connection().idleTimeout());
        assertEquals(Duration.ofSeconds(9), target.connection().retryTimeout());
        assertTrue(target.security().tls());
        assertEquals(ca, target.security().trustedCertificates().orElseThrow());
        assertTrue(target.security().token().isPresent());
        assertFalse(target.toString().contains(TOKEN), "the target's toString never shows the token");
        assertFalse(run.transcript().contains(TOKEN));
    }

    @Test
    void defaultsArePlaintextWithTheLibraryTimings() {
        CliRun run = describe();

        assertEquals(0, run.status(), run.transcript());
        assertFalse(connected.get().security().tls());
        assertEquals(Duration.ofHours(2), connected.get().connection().deadline());
        assertEquals(Duration.ofMinutes(5), connected.get().connection().idleTimeout());
    }

    @Test
    void badCombinationsAreUsageErrorsOnOneLine() throws IOException {
        Path cert = Files.writeString(tmp.resolve("client.pem"), "x");
        Path missing = tmp.resolve("no-such-token");
        String[][] cases = {
            {"--tls-cert", cert.toString()},
            {"--token-file", missing.toString()},
            {"--deadline", "0"},
            {"--idle-timeout", "-1"},
        };
        String[] expected = {"--tls-cert and --tls-key go together", "--token-file " + missing, "--deadline",
            "--idle-timeout"};
        for (int i = 0; i < cases.length; i++) {
            CliRun run = describe(cases[i]);
            assertEquals(2, run.status(), run.transcript());
            assertTrue(run.err().startsWith("ta: ") && run.err().contains(expected[i]), run.transcript());
            assertEquals(1, run.err().strip().lines().count(), run.transcript());
        }
    }

    @Test
    void aTokenFileHoldingSeveralLinesIsRefusedWithoutQuotingIt() throws IOException {
        Path token = Files.writeString(tmp.resolve("tokens"), TOKEN + "\nsecond-token\n");

        CliRun run = describe("--tls", "--token-file", token.toString());

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("holds 2 lines"), run.err());
        assertFalse(run.transcript().contains(TOKEN));
    }

    @Test
    void theLocalWorkerTakesNoTlsOptions() throws IOException {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "x");
        CliRun run = CliRun.of(target -> new FakeModelWorker(2, 3), "receivers", "--local", "--tls-ca", ca.toString(),
                "--data", tmp.toString(), "--out", tmp.resolve("out").toString());

        assertEquals(2, run.status(), run.transcript());
        assertTrue(run.err().contains("--local serves plaintext"), run.err());
    }
}
