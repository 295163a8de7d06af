package io.thermocline.hotness.state;

/** Unsigned LEB128 varints (7 bits a byte, low group first) of the compact (version 2) state codecs. */
final class Varints {

    /** Most bytes an int takes. */
    static final int MAX_INT_BYTES = 5;

    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[4096]});

    private Varints() {
    }

    /** This thread's encoding buffer, at least {@code minLength} long: encode into it, then copy the used part. */
    static byte[] scratch(int minLength) {
        byte[][] holder = SCRATCH.get();
        if (holder[0].length < minLength) {
            holder[0] = new byte[Math.max(minLength, holder[0].length * 2)];
        }
        return holder[0];
    }

    /** Writes {@code v}, as unsigned, at {@code b[at]}; returns the position after it. */
    static int put(byte[] b, int at, int v) {
        while ((v & ~0x7F) != 0) {
            b[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }

    /** Reads varints from {@code b[from, end)}; truncated or over-long input is an IllegalStateException. */
    static final class Reader {
        private final byte[] b;
        private final int end;
        private int at;

        Reader(byte[] b, int from, int end) {
            this.b = b;
            this.at = from;
            this.end = end;
        }

        int next() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (at >= end) {
                    throw new IllegalStateException("value truncated inside a varint at byte " + at);
                }
                int x = b[at++];
                v |= (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalStateException("varint longer than " + MAX_INT_BYTES + " bytes at byte " + at);
        }

        int position() {
            return at;
        }
    }
}
