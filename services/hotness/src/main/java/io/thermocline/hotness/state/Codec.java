package io.thermocline.hotness.state;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Helpers of the hand-written store codecs. Strings are stored as {@link DataOutputStream#writeUTF} writes them
 * (a 2-byte length, modified UTF-8), optionally behind a presence byte; the buffer paths handle ASCII names - all
 * the names seen in practice - directly and leave the rest to the stream codec.
 */
final class Codec {

    private Codec() {
    }

    static void writeNullableString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Bytes {@code writeUTF(s)} writes when s is ASCII without NUL (1 byte per char), else -1. */
    static int asciiUtfSize(String s) {
        int n = s.length();
        if (n > 0xFFFF) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0x7F) {
                return -1;
            }
        }
        return 2 + n;
    }

    /** Bytes of {@link #writeNullableString} for null or an ASCII string, else -1. */
    static int nullableAsciiSize(String s) {
        if (s == null) {
            return 1;
        }
        int n = asciiUtfSize(s);
        return n < 0 ? -1 : 1 + n;
    }

    /** Writes an ASCII string (checked with {@link #asciiUtfSize}) as writeUTF would. */
    static void putAscii(ByteBuffer b, String s) {
        b.putShort((short) s.length());
        for (int i = 0; i < s.length(); i++) {
            b.put((byte) s.charAt(i));
        }
    }

    static void putNullableAscii(ByteBuffer b, String s) {
        b.put((byte) (s == null ? 0 : 1));
        if (s != null) {
            putAscii(b, s);
        }
    }

    /** Reads what writeUTF wrote from a heap buffer. */
    static String getUtf(ByteBuffer b) {
        int len = Short.toUnsignedInt(b.getShort());
        byte[] a = b.array();
        int from = b.arrayOffset() + b.position();
        if (from + len > b.arrayOffset() + b.limit()) {
            throw new IllegalStateException("string of " + len + " bytes runs past the end of the value");
        }
        for (int i = from; i < from + len; i++) {
            if (a[i] <= 0) { // NUL, or a multi-byte sequence: modified UTF-8
                try {
                    String s = new DataInputStream(new ByteArrayInputStream(a, from - 2, len + 2)).readUTF();
                    b.position(b.position() + len);
                    return s;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        b.position(b.position() + len);
        return new String(a, from, len, StandardCharsets.ISO_8859_1);
    }

    static String getNullableUtf(ByteBuffer b) {
        return b.get() != 0 ? getUtf(b) : null;
    }
}
