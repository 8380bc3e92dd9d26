package io.thoughtanchors.pipeline.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Content checksums (CRC-32C) of every cache and store file, so that a damaged entry, even one of the right size, is
 * noticed when it is read instead of silently giving wrong numbers. Three layouts:
 * <ul>
 *   <li>binary files: the payload followed by the big-endian int CRC-32C of the payload ({@link #seal}/{@link #open});</li>
 *   <li>JSON files: a {@code "checksum": "crc32c:…"} field first, over the compact form of the other fields as read
 *       back ({@link #sealJson}/{@link #openJson});</li>
 *   <li>Arrow files: {@link CacheFile} keeps the CRC of its metadata and matrices in its schema metadata.</li>
 * </ul>
 */
public final class Checksums {

    static final String JSON_FIELD = "checksum";
    private static final String JSON_PREFIX = "crc32c:";

    private Checksums() {
    }

    static String hex(long crc) {
        return String.format("%08x", crc);
    }

    /** {@code payload} with its CRC-32C appended. */
    public static byte[] seal(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        byte[] sealed = Arrays.copyOf(payload, payload.length + Integer.BYTES);
        ByteBuffer.wrap(sealed, payload.length, Integer.BYTES).putInt((int) crc.getValue());
        return sealed;
    }

    /** The payload of a file written with {@link #seal}, once its checksum matches. */
    public static byte[] open(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < Integer.BYTES) {
            throw new DamagedEntryException(file, "shorter than its checksum");
        }
        int n = all.length - Integer.BYTES;
        CRC32C crc = new CRC32C();
        crc.update(all, 0, n);
        int stored = ByteBuffer.wrap(all, n, Integer.BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new DamagedEntryException(file, "content checksum " + hex(crc.getValue()) + ", recorded "
                    + hex(stored & 0xFFFFFFFFL));
        }
        return Arrays.copyOf(all, n);
    }

    /** {@code content} as indented JSON with its checksum as the first field. */
    public static String sealJson(Map<String, Object> content) throws IOException {
        String plain = Json.write(content);
        Map<String, Object> sealed = new LinkedHashMap<>();
        sealed.put(JSON_FIELD, JSON_PREFIX + hex(jsonCrc(Json.MAPPER.readTree(plain))));
        sealed.putAll(content);
        return Json.write(sealed);
    }

    /** The fields of a file written with {@link #sealJson} (the checksum removed), once its checksum matches. */
    public static ObjectNode openJson(Path file) throws IOException {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new DamagedEntryException(file, "not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!(node instanceof ObjectNode object) || !object.path(JSON_FIELD).isTextual()) {
            throw new DamagedEntryException(file, "no checksum field");
        }
        String stored = object.remove(JSON_FIELD).asText();
        String actual = JSON_PREFIX + hex(jsonCrc(object));
        if (!stored.equals(actual)) {
            throw new DamagedEntryException(file, "content checksum " + actual + ", recorded " + stored);
        }
        return object;
    }

    /** Over the compact form of the parsed fields: the same for the text written and the text read back. */
    private static long jsonCrc(JsonNode fields) {
        CRC32C crc = new CRC32C();
        crc.update(fields.toString().getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
