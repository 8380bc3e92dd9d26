package io.thoughtanchors.pipeline.cache;

import io.thoughtanchors.data.AtomicFiles;
import io.thoughtanchors.pipeline.Damage;
import io.thoughtanchors.worker.NucleusSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumsTest {

    @TempDir
    Path tmp;

    @Test
    void aSealedBinaryFileOpensToItsPayloadUntilOneByteChanges() throws IOException {
        byte[] payload = new byte[1000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        Path file = tmp.resolve("f.bin");
        AtomicFiles.write(file, Checksums.seal(payload));

        assertArrayEquals(payload, Checksums.open(file));
        Damage.flipMiddle(file);
        DamagedEntryException e = assertThrows(DamagedEntryException.class, () -> Checksums.open(file));
        assertTrue(e.getMessage().startsWith(file + " is damaged: content checksum"), e.getMessage());
    }

    @Test
    void aSealedJsonFileIsJsonAndOpensToItsFieldsUntilADigitChanges() throws IOException {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("nucleus", NucleusSpec.REFERENCE); // floats: written as floats, read back as doubles
        content.put("ids", List.of(101, 2022, 30303));
        Path file = tmp.resolve("meta.json");
        AtomicFiles.writeString(file, Checksums.sealJson(content));

        assertEquals(Json.MAPPER.readTree(Json.write(content)), Checksums.openJson(file));
        assertTrue(Json.MAPPER.readTree(file.toFile()).get("checksum").asText().startsWith("crc32c:"));
        Damage.changeDigitInTheMiddle(file);
        Json.MAPPER.readTree(file.toFile()); // still JSON
        assertThrows(DamagedEntryException.class, () -> Checksums.openJson(file));
    }
}
