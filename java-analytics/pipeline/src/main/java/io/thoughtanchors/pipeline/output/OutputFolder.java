package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.data.AtomicFiles;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.data.TraceFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's output folder. An existing non-empty folder is refused unless forced, which overwrites the result files
 * (nothing else in the folder is deleted). Every file is written to a temporary name and renamed, and run.json is
 * written last while an earlier run's run.json is deleted first: a folder is complete exactly when it has a
 * run.json, and a run that fails (a full disk, a killed worker) leaves no half-written file and no run.json a reader
 * could trust. Any failure to create or write is an OUTPUT failure.
 */
public final class OutputFolder {

    /** Written last: its presence says the folder holds a complete run. */
    public static final String RUN_JSON = "run.json";
    /** Written only when a run fails: the failure with its stack trace. */
    public static final String RUN_LOG = "run.log";

    private final Path dir;
    private final List<Path> written = new ArrayList<>();
    private boolean created;

    private OutputFolder(Path dir) {
        this.dir = dir;
    }

    /** Checks without creating anything, so a run that fails on its input leaves no folder behind. */
    public static OutputFolder check(Path dir, boolean force) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw PipelineException.output("output path " + abs + " exists and is not a folder", null);
        }
        if (Files.isDirectory(abs) && !force && !isEmpty(abs)) {
            throw PipelineException.output("output folder " + abs + " already exists; pass --force to overwrite its"
                    + " results", null);
        }
        return new OutputFolder(abs);
    }

    /**
     * Creates the folder and deletes an earlier run's run.json (so that the folder is not complete until this run is)
     * and run.log.
     */
    public void create() {
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(RUN_JSON));
            Files.deleteIfExists(dir.resolve(RUN_LOG));
        } catch (IOException e) {
            throw PipelineException.output("cannot create output folder " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw PipelineException.output("output folder " + dir + " is not writable", null);
        }
        created = true;
    }

    /** Whether {@link #create} succeeded: only then does the folder belong to this run. */
    public boolean isCreated() {
        return created;
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String fileName) {
        return dir.resolve(fileName);
    }

    /** @param fileName a file name or a relative path (its folders are created) */
    public void write(String fileName, String content) {
        write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    /** @param fileName a file name or a relative path (its folders are created) */
    public void write(String fileName, byte[] content) {
        write(fileName, file -> AtomicFiles.write(file, content));
    }

    /**
     * One trace as a ta-trace/1 file, by {@link TraceFiles#write}.
     *
     * @param fileName a relative path ending in .json (its folders are created)
     */
    public void write(String fileName, TraceDocument trace) {
        write(fileName, file -> TraceFiles.write(file, trace));
    }

    private interface FileWriter {
        void write(Path file) throws IOException;
    }

    private void write(String fileName, FileWriter writer) {
        Path file = dir.resolve(fileName);
        try {
            writer.write(file);
        } catch (IOException e) {
            throw PipelineException.output("cannot write " + file + ": " + e, e);
        }
        synchronized (written) {
            written.add(file);
        }
    }

    /** Every file written so far, in order. */
    public List<Path> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw PipelineException.output("cannot list output folder " + dir + ": " + e, e);
        }
    }
}
