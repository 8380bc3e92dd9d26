package io.thoughtanchors.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repository's Python worker as a child process on a loopback port (tiny random-weight models), for tests that
 * kill it, restart it on the same port, or freeze it (SIGSTOP) the way a hung machine would.
 */
public final class RealWorker implements AutoCloseable {

    public static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    public static final Path PYTHON = REPO.resolve(".venv/bin/python");
    public static final Path SAMPLE = REPO.resolve("data/thought-anchors-sample");
    public static final Path QWEN_SAMPLE = SAMPLE.resolve("deepseek-r1-distill-qwen-14b");
    public static final Path LLAMA_TRACE = SAMPLE.resolve(
            "deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final String model;
    private final Path dir;
    private final List<String> extraArgs;
    private final Path log;
    private Process process;
    private int port;

    private RealWorker(String model, Path dir, List<String> extraArgs) throws IOException {
        this.model = model;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = Files.createTempFile(dir, "worker-" + model + "-", ".log");
    }

    /** Skips the calling test unless {@code make setup} has built the worker's venv. */
    public static void assumeAvailable() {
        assumeTrue(Files.isExecutable(PYTHON), "the real-worker tests need " + PYTHON + " (make setup)");
    }

    /** A worker serving {@code model} on a free port, with extra {@code serve} flags; returns once it serves. */
    public static RealWorker start(String model, Path dir, String... extraArgs) throws IOException {
        RealWorker worker = new RealWorker(model, dir, List.of(extraArgs));
        worker.launch(0);
        return worker;
    }

    private void launch(int requestedPort) throws IOException {
        Path portFile = Files.createTempFile(dir, "port", "");
        Files.delete(portFile);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "thought_anchors_worker", "serve",
                "--model", model, "--port", Integer.toString(requestedPort), "--port-file", portFile.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the " + model + " worker did not start; see " + log);
                }
                Thread.sleep(100);
            }
            port = Integer.parseInt(Files.readString(portFile).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, then wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the worker died");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the worker and starts a new one on the same port; returns once it serves again. */
    public void restart() throws IOException {
        kill();
        launch(port);
    }

    /** Freezes the process (SIGSTOP): its sockets stay open and its kernel still accepts connections. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " worked");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            thaw(); // a frozen process takes SIGKILL too, but a thawed one lets its children go as well
            kill();
        }
    }
}
