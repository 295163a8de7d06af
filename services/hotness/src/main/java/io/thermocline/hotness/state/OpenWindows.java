package io.thermocline.hotness.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The open windows of one (host, block): the value of stage 1's open-windows store. Version byte, window count
 * (int), then per window, by ascending start: start (ms, long), length (int) and the window's {@link WindowCounts}
 * bytes. One key per block, rewritten as its windows open and close: the record cache folds a block's rewrites
 * between two commits into one write, where a window store kept a key per (block, window) and wrote a tombstone
 * for every window closed.
 */
public final class OpenWindows {

    private static final byte VERSION = 1;
    private static final int HEADER_BYTES = 1 + 4;
    private static final int SEGMENT_HEADER_BYTES = 8 + 4;

    private OpenWindows() {
    }

    /** The window starts in {@code value} (null: none), ascending. */
    public static long[] starts(byte[] value) {
        if (value == null) {
            return new long[0];
        }
        ByteBuffer b = check(value);
        int n = b.getInt(1);
        long[] out = new long[n];
        int at = HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            out[i] = b.getLong(at);
            at += SEGMENT_HEADER_BYTES + b.getInt(at + 8);
        }
        return out;
    }

    /** The counts bytes of the window starting at {@code start}, or null. */
    public static byte[] counts(byte[] value, long start) {
        if (value == null) {
            return null;
        }
        ByteBuffer b = check(value);
        int n = b.getInt(1);
        int at = HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            long s = b.getLong(at);
            int len = b.getInt(at + 8);
            if (s == start) {
                return Arrays.copyOfRange(value, at + SEGMENT_HEADER_BYTES, at + SEGMENT_HEADER_BYTES + len);
            }
            if (s > start) {
                return null;
            }
            at += SEGMENT_HEADER_BYTES + len;
        }
        return null;
    }

    /** {@code value} with the window at {@code start} set to {@code counts} (added or replaced). */
    public static byte[] with(byte[] value, long start, byte[] counts) {
        return splice(value, start, counts);
    }

    /** {@code value} without the window at {@code start}; null when no window is left. */
    public static byte[] without(byte[] value, long start) {
        byte[] out = splice(value, start, null);
        return ByteBuffer.wrap(out).getInt(1) == 0 ? null : out;
    }

    private static byte[] splice(byte[] value, long start, byte[] counts) {
        int n = 0;
        int at = HEADER_BYTES; // where the new segment goes
        int next = HEADER_BYTES; // where the rest of the old value resumes
        boolean replaced = false;
        ByteBuffer b = null;
        if (value != null) {
            b = check(value);
            n = b.getInt(1);
            for (int i = 0; i < n; i++) {
                long s = b.getLong(at);
                int end = at + SEGMENT_HEADER_BYTES + b.getInt(at + 8);
                if (s == start) {
                    replaced = true;
                    next = end;
                    break;
                }
                if (s > start) {
                    next = at;
                    break;
                }
                at = end;
                next = end;
            }
        }
        int oldLen = value == null ? HEADER_BYTES : value.length;
        int add = counts == null ? 0 : SEGMENT_HEADER_BYTES + counts.length;
        byte[] out = new byte[at + add + (oldLen - next)];
        if (value != null) {
            System.arraycopy(value, 0, out, 0, at);
            System.arraycopy(value, next, out, at + add, oldLen - next);
        }
        ByteBuffer o = ByteBuffer.wrap(out);
        o.put(0, VERSION);
        o.putInt(1, n + (counts == null ? 0 : 1) - (replaced ? 1 : 0));
        if (counts != null) {
            o.putLong(at, start).putInt(at + 8, counts.length);
            System.arraycopy(counts, 0, out, at + SEGMENT_HEADER_BYTES, counts.length);
        }
        return out;
    }

    /** Checks the version and that the segments fill the value exactly. */
    private static ByteBuffer check(byte[] value) {
        if (value.length < HEADER_BYTES || value[0] != VERSION) {
            throw new IllegalStateException("open windows value of " + value.length + " bytes, version "
                    + (value.length > 0 ? value[0] : -1) + ": not version " + VERSION);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        int n = b.getInt(1);
        if (n < 0) {
            throw new IllegalStateException("open windows value with " + n + " windows");
        }
        int at = HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            if (at + SEGMENT_HEADER_BYTES > value.length) {
                throw new IllegalStateException("open windows value of " + value.length + " bytes truncated at window "
                        + i + " of " + n);
            }
            int len = b.getInt(at + 8);
            if (len < 0 || at + SEGMENT_HEADER_BYTES + len > value.length) {
                throw new IllegalStateException("open windows value of " + value.length + " bytes: window " + i
                        + " of " + len + " bytes runs past the end");
            }
            at += SEGMENT_HEADER_BYTES + len;
        }
        if (at != value.length) {
            throw new IllegalStateException("open windows value of " + value.length + " bytes: " + (value.length - at)
                    + " trailing bytes");
        }
        return b;
    }
}
