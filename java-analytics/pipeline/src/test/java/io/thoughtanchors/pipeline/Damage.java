package io.thoughtanchors.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same-size damage to a file, the kind a length check cannot see. */
public final class Damage {

    private Damage() {
    }

    /** XORs 8 bytes in the middle of {@code file}. */
    public static void flipMiddle(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int middle = bytes.length / 2;
        for (int k = 0; k < 8; k++) {
            bytes[middle + k] ^= 0x5A;
        }
        rewrite(file, bytes);
    }

    /** Replaces the first digit at or after the middle of a text file by another one, so that JSON stays JSON. */
    public static void changeDigitInTheMiddle(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 2; i < bytes.length; i++) {
            if (bytes[i] >= '0' && bytes[i] <= '8') {
                bytes[i]++;
                rewrite(file, bytes);
                return;
            }
        }
        throw new AssertionError("no digit after the middle of " + file);
    }

    private static void rewrite(Path file, byte[] bytes) throws IOException {
        long size = Files.size(file);
        Files.write(file, bytes);
        assertEquals(size, Files.size(file), "same size");
        assertTrue(Files.isRegularFile(file));
    }
}
