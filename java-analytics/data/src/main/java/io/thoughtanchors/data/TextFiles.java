package io.thoughtanchors.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every text the readers open: strict UTF-8 with a leading byte-order mark dropped (editors on Windows write one),
 * and one-line messages for what is not text — a NUL byte means a binary file, an undecodable byte names its offset.
 */
public final class TextFiles {

    private static final int BOM_LENGTH = 3;

    private TextFiles() {
    }

    /** @throws TraceFormatException naming {@code file} when it is missing, unreadable, binary or not UTF-8 */
    public static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file, "required file is missing", e);
        } catch (IOException e) {
            throw new TraceFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        int start = hasBom(bytes) ? BOM_LENGTH : 0;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new TraceFormatException(file, "a binary file, not text (a NUL byte at offset " + i + ")");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            CharBuffer text = decoder.decode(in);
            return text.toString();
        } catch (CharacterCodingException e) {
            int offset = firstInvalidOffset(bytes, start);
            throw new TraceFormatException(file, String.format(Locale.ROOT, "not UTF-8 text: byte 0x%02x at offset %d"
                    + " does not decode (save the file as UTF-8)", bytes[offset] & 0xff, offset), e);
        }
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= BOM_LENGTH && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
    }

    /** The offset of the first byte that starts no valid UTF-8 sequence (for the message only). */
    private static int firstInvalidOffset(byte[] bytes, int start) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        decoder.decode(in, out, true);
        return Math.min(in.position(), bytes.length - 1);
    }
}
