package io.thermocline.hotness.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/** Byte keys of the topology's own stores: UTF-8 host, a NUL, then a big-endian long (block or pfn), so one host's keys are contiguous and sorted. */
public final class StoreKeys {

    private static final byte SEPARATOR = 0;

    private StoreKeys() {
    }

    public static Bytes hostPrefix(String host) {
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + 1];
        System.arraycopy(h, 0, out, 0, h.length);
        out[h.length] = SEPARATOR;
        return Bytes.wrap(out);
    }

    public static Bytes hostLong(String host, long value) {
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(h.length + 1 + Long.BYTES);
        buf.put(h).put(SEPARATOR).putLong(value);
        return Bytes.wrap(buf.array());
    }

    /** The host part of a {@link #hostLong} key. */
    public static String hostPart(Bytes key) {
        byte[] k = key.get();
        return new String(k, 0, k.length - Long.BYTES - 1, StandardCharsets.UTF_8);
    }

    /** The long part of a {@link #hostLong} key. */
    public static long longPart(Bytes key) {
        byte[] k = key.get();
        return ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES).getLong();
    }
}
