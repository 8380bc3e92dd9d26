package io.thoughtanchors.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    /** A results folder shared with a group must stay readable: a temporary file's owner-only mode must not stick. */
    @Test
    void aWrittenFileHasTheModeOfAnyNewFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "only a POSIX file system has modes to compare");
        Path written = dir.resolve("results.csv");
        AtomicFiles.writeString(written, "a,b\n");
        Path created = Files.createFile(dir.resolve("reference"));
        assertEquals(Files.getPosixFilePermissions(created), Files.getPosixFilePermissions(written));
        assertEquals("a,b\n", Files.readString(written));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("out.csv");
        AtomicFiles.writeString(file, "old,complete\n");

        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("new,half".getBytes());
            throw new IOException("No space left on device");
        }));

        assertEquals("old,complete\n", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
