package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.pipeline.PipelineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded Python worker as a child process: {@code python -m thought_anchors_worker serve --port 0
 * --port-file F}, ready once F holds the bound port. Stopped (SIGTERM, then kill) on close and, should the JVM
 * exit first (Ctrl-C, a failure), by a shutdown hook.
 */
public final class LocalWorkerProcess implements AutoCloseable {

    /** {@code python}, run in {@code workingDir}, serves {@code model} and logs to {@code log}. */
    public record Launch(Path python, Path workingDir, String model, Path log, Duration startTimeout) {
    }

    public static final String PYTHON_ENV = "TA_WORKER_PYTHON";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final Thread shutdownHook;
    private final int port;

    private LocalWorkerProcess(Process process, Thread shutdownHook, int port) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.port = port;
    }

    /**
     * Python from {@value #PYTHON_ENV}, else {@code .venv/bin/python} of the repository found by walking up from
     * the working directory to a folder holding {@code model-worker/}.
     */
    public static Launch launch(String model, Path log, Duration startTimeout) {
        Optional<Path> repo = repositoryRoot(Path.of("").toAbsolutePath());
        Path workingDir = repo.orElse(Path.of("").toAbsolutePath());
        String fromEnv = System.getenv(PYTHON_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Launch(Path.of(fromEnv), workingDir, model, log, startTimeout);
        }
        if (repo.isEmpty()) {
            throw PipelineException.worker("cannot start a local worker: no folder holding model-worker/ above "
                    + workingDir + "; run inside the repository or set " + PYTHON_ENV, null);
        }
        Path python = repo.get().resolve(".venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw PipelineException.worker("cannot start a local worker: " + python + " is missing (run `make setup` in "
                    + repo.get() + ", or set " + PYTHON_ENV + ")", null);
        }
        return new Launch(python, workingDir, model, log, startTimeout);
    }

    private static Optional<Path> repositoryRoot(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("model-worker"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * The local worker for a script that runs several requests against one worker: start it once, give each request
     * its {@link #target()}, close it at the end (a {@link WorkerTarget#local} target starts one per run instead).
     */
    public static LocalWorkerProcess start(String model, Path log) {
        return start(launch(model, log, WorkerTarget.DEFAULT_LOCAL_START_TIMEOUT));
    }

    public static LocalWorkerProcess start(Launch launch) {
        Path portDir = null;
        try {
            Files.createDirectories(launch.log().toAbsolutePath().getParent());
            portDir = Files.createTempDirectory("ta-worker");
            Path portFile = portDir.resolve("port");
            // a kill during start-up skips the finally below; the JVM's exit hook still tidies up
            portDir.toFile().deleteOnExit();
            portFile.toFile().deleteOnExit();
            List<String> command = new ArrayList<>(List.of(launch.python().toString(), "-m", "thought_anchors_worker",
                    "serve", "--model", launch.model(), "--port", "0", "--port-file", portFile.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(launch.workingDir().toFile())
                    .redirectErrorStream(true).redirectOutput(launch.log().toFile());
            builder.environment().put("PYTHONUNBUFFERED", "1"); // the log file should follow the worker live
            Process process = builder.start();
            Thread hook = new Thread(() -> stop(process), "ta-local-worker-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return new LocalWorkerProcess(process, hook, awaitPort(process, portFile, launch));
            } catch (RuntimeException e) {
                removeHook(hook);
                stop(process);
                throw e;
            }
        } catch (IOException e) {
            throw PipelineException.worker("cannot start the local worker (" + launch.python() + "): " + e.getMessage(), e);
        } finally {
            deleteQuietly(portDir);
        }
    }

    private static int awaitPort(Process process, Path portFile, Launch launch) {
        long deadline = System.nanoTime() + launch.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> port = readPort(portFile);
            if (port.isPresent()) {
                return port.get();
            }
            if (!process.isAlive()) {
                throw PipelineException.worker("the local worker exited with status " + process.exitValue()
                        + " before serving" + lastLine(launch.log()) + " (log: " + launch.log() + ")", null);
            }
            sleep(Duration.ofMillis(100));
        }
        throw PipelineException.worker("the local worker did not start serving within " + launch.startTimeout().toSeconds()
                + " s (log: " + launch.log() + ")", null);
    }

    /** The worker writes the port in one write; an empty or partial file just means "not yet". */
    private static Optional<Integer> readPort(Path portFile) {
        try {
            String text = Files.readString(portFile).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** This worker, reached on its loopback port. */
    public WorkerTarget target() {
        return WorkerTarget.remote("127.0.0.1:" + port);
    }

    @Override
    public void close() {
        removeHook(shutdownHook);
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or about to
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PipelineException.worker("interrupted while waiting for the local worker", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("port"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover empty temp folder is harmless
        }
    }
}
