package io.thoughtanchors.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The --out folder. An existing non-empty folder is refused unless --force, which overwrites the result files
 * (nothing else in the folder is deleted). Any failure to create or write is exit status 5.
 */
final class OutputFolder {

    private final Path dir;

    private OutputFolder(Path dir) {
        this.dir = dir;
    }

    /** Checks without creating anything, so a run that fails on its input leaves no folder behind. */
    static OutputFolder check(Path dir, boolean force) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw CliFailure.output("output path " + abs + " exists and is not a folder", null);
        }
        if (Files.isDirectory(abs) && !force && !isEmpty(abs)) {
            throw CliFailure.output("output folder " + abs + " already exists; pass --force to overwrite its results",
                    null);
        }
        return new OutputFolder(abs);
    }

    void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliFailure.output("cannot create output folder " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw CliFailure.output("output folder " + dir + " is not writable", null);
        }
    }

    Path dir() {
        return dir;
    }

    Path resolve(String fileName) {
        return dir.resolve(fileName);
    }

    /** @param fileName a file name or a relative path (its folders are created) */
    void write(String fileName, String content) {
        write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    /** @param fileName a file name or a relative path (its folders are created) */
    void write(String fileName, byte[] content) {
        Path file = dir.resolve(fileName);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw CliFailure.output("cannot write " + file + ": " + e, e);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw CliFailure.output("cannot list output folder " + dir + ": " + e, e);
        }
    }
}
