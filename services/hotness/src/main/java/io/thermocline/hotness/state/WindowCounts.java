package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.ingest.PackedAccesses;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Windowed aggregate of one (host, block): per-page access counts of one window, packed sparse
 * (offset u16 + count int per accessed page), plus the block's node and newest sampler epoch.
 */
public final class WindowCounts {

    private static final byte VERSION = 1;
    private static final int HEADER_BYTES = 1 + 4 + 8 + 2 + 4;
    private static final int ENTRY_BYTES = 2 + 4;
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[1 << 16]);

    private int node = -1;
    private long epoch = -1;
    private int shift = 9;
    private int size;
    private int[] offsets = new int[0];
    private int[] counts = new int[0];

    public static WindowCounts empty() {
        return new WindowCounts();
    }

    public int node() {
        return node;
    }

    public long epoch() {
        return epoch;
    }

    public int shift() {
        return shift;
    }

    public int size() {
        return size;
    }

    public int offsetAt(int i) {
        return offsets[i];
    }

    public int countAt(int i) {
        return counts[i];
    }

    /** Adds a (validated) batch: counts are scaled by the batch's sample rate. */
    public WindowCounts add(PageAccessBatch batch) {
        int s = batch.getBlockShift();
        if (batch.getNode() >= 0) {
            node = batch.getNode();
        }
        epoch = Math.max(epoch, batch.getEpoch());
        List<PageAccess> entries = batch.getEntries();
        if (entries.isEmpty()) {
            shift = s;
            return this;
        }
        long rate = Math.max(1, batch.getSampleRate());
        long mask = (1L << s) - 1;
        long[] dense = SCRATCH.get();
        int pages = 1 << s;
        for (int i = 0; i < size; i++) {
            dense[offsets[i]] += counts[i];
        }
        shift = s;
        if (entries instanceof PackedAccesses p) {
            for (int i = 0, n = p.size(); i < n; i++) {
                dense[(int) (p.pfn(i) & mask)] += p.count(i) * rate;
            }
        } else {
            for (PageAccess a : entries) {
                dense[(int) (a.getPfn() & mask)] += a.getCount() * rate;
            }
        }
        int n = 0;
        for (int o = 0; o < pages; o++) {
            if (dense[o] != 0) {
                n++;
            }
        }
        int[] offs = new int[n];
        int[] cnts = new int[n];
        int j = 0;
        for (int o = 0; o < pages; o++) {
            long c = dense[o];
            if (c != 0) {
                offs[j] = o;
                cnts[j++] = (int) Math.min(Integer.MAX_VALUE, c);
                dense[o] = 0;
            }
        }
        offsets = offs;
        counts = cnts;
        size = n;
        return this;
    }

    public byte[] toBytes() {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + size * ENTRY_BYTES);
        buf.put(VERSION).putInt(node).putLong(epoch).putShort((short) shift).putInt(size);
        for (int i = 0; i < size; i++) {
            buf.putShort((short) offsets[i]).putInt(counts[i]);
        }
        return buf.array();
    }

    public static WindowCounts fromBytes(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.get() != VERSION) {
            throw new IllegalStateException("unknown window counts version");
        }
        WindowCounts w = new WindowCounts();
        w.node = buf.getInt();
        w.epoch = buf.getLong();
        w.shift = buf.getShort();
        w.size = buf.getInt();
        w.offsets = new int[w.size];
        w.counts = new int[w.size];
        for (int i = 0; i < w.size; i++) {
            w.offsets[i] = buf.getShort() & 0xFFFF;
            w.counts[i] = buf.getInt();
        }
        return w;
    }

    public static Serde<WindowCounts> serde() {
        Serializer<WindowCounts> ser = (topic, v) -> v == null ? null : v.toBytes();
        Deserializer<WindowCounts> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }
}
