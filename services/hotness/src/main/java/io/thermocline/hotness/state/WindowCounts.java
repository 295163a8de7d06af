package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.ingest.PackedAccesses;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Windowed aggregate of one (host, block): per-page access counts of one window, plus the block's node and newest
 * sampler epoch. Stored sparse (version 2): per accessed page, the offset gap from the previous page and the count
 * as varints - about 2 bytes a page; version 1 values (offset u16 + count int) still decode.
 */
public final class WindowCounts {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    private static final int HEADER_BYTES = 1 + 4 + 8 + 2 + 4;
    private static final int ENTRY_BYTES_V1 = 2 + 4;
    private static final int MAX_ENTRY_BYTES = 3 + Varints.MAX_INT_BYTES;
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
        if (size == 0 && entries instanceof PackedAccesses p && addAscending(p, mask, rate, s)) {
            return this; // a block's first batch of the window, its pages in order: no dense pass
        }
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

    /**
     * Takes the entries as they are when their offsets ascend strictly (what samplers send); false, with nothing
     * changed, when they do not. Zero counts are left out, as the dense pass does.
     */
    private boolean addAscending(PackedAccesses p, long mask, long rate, int s) {
        int n = p.size();
        int[] inBlock = p.offsetsInBlock();
        if (inBlock != null && rate == 1 && takeOver(inBlock, p.countsArray(), n, s)) {
            return true;
        }
        int[] offs = new int[n];
        int[] cnts = new int[n];
        int j = 0;
        int prev = -1;
        for (int i = 0; i < n; i++) {
            int o = (int) (p.pfn(i) & mask);
            if (o <= prev) {
                return false;
            }
            prev = o;
            long c = p.count(i) * rate;
            if (c != 0) {
                offs[j] = o;
                cnts[j++] = (int) Math.min(Integer.MAX_VALUE, c);
            }
        }
        shift = s;
        offsets = offs;
        counts = cnts;
        size = j;
        return true;
    }

    /**
     * Uses the decoded arrays themselves (neither side writes them afterwards: {@link #add} builds new arrays) when
     * the offsets ascend strictly and no count is zero or negative: then they are already these counts.
     */
    private boolean takeOver(int[] offs, int[] cnts, int n, int s) {
        int prev = -1;
        for (int i = 0; i < n; i++) {
            if (offs[i] <= prev || cnts[i] <= 0) {
                return false;
            }
            prev = offs[i];
        }
        shift = s;
        offsets = offs;
        counts = cnts;
        size = n;
        return true;
    }

    /** The stored value (version 2). */
    public byte[] toBytes() {
        byte[] b = Varints.scratch(HEADER_BYTES + size * MAX_ENTRY_BYTES);
        ByteBuffer.wrap(b).put(VERSION).putInt(node).putLong(epoch).putShort((short) shift).putInt(size);
        int at = HEADER_BYTES;
        int prev = -1;
        for (int i = 0; i < size; i++) {
            at = Varints.put(b, at, offsets[i] - prev - 1);
            prev = offsets[i];
            at = Varints.put(b, at, counts[i]);
        }
        return Arrays.copyOf(b, at);
    }

    /** The version 1 value (6 bytes a page), as earlier releases stored it. */
    byte[] toBytesV1() {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + size * ENTRY_BYTES_V1);
        buf.put(VERSION_1).putInt(node).putLong(epoch).putShort((short) shift).putInt(size);
        for (int i = 0; i < size; i++) {
            buf.putShort((short) offsets[i]).putInt(counts[i]);
        }
        return buf.array();
    }

    public static WindowCounts fromBytes(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalStateException("window counts of " + bytes.length + " bytes are shorter than the header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte version = buf.get();
        if (version != VERSION && version != VERSION_1) {
            throw new IllegalStateException("unknown window counts version " + version);
        }
        WindowCounts w = new WindowCounts();
        w.node = buf.getInt();
        w.epoch = buf.getLong();
        w.shift = buf.getShort();
        int n = buf.getInt();
        int minBytes = version == VERSION ? 2 : ENTRY_BYTES_V1;
        if (n < 0 || (long) n * minBytes > bytes.length - HEADER_BYTES) {
            throw new IllegalStateException("window counts of " + bytes.length + " bytes for " + n + " pages");
        }
        w.size = n;
        w.offsets = new int[n];
        w.counts = new int[n];
        if (version == VERSION_1) {
            for (int i = 0; i < n; i++) {
                w.offsets[i] = buf.getShort() & 0xFFFF;
                w.counts[i] = buf.getInt();
            }
            return w;
        }
        Varints.Reader in = new Varints.Reader(bytes, HEADER_BYTES, bytes.length);
        int off = -1;
        for (int i = 0; i < n; i++) {
            off += in.next() + 1;
            if (off < 0 || off > 0xFFFF) {
                throw new IllegalStateException("window counts page " + i + " at offset " + off);
            }
            w.offsets[i] = off;
            w.counts[i] = in.next();
        }
        if (in.position() != bytes.length) {
            throw new IllegalStateException("window counts of " + bytes.length + " bytes end at byte " + in.position());
        }
        return w;
    }

    public static Serde<WindowCounts> serde() {
        Serializer<WindowCounts> ser = (topic, v) -> v == null ? null : v.toBytes();
        Deserializer<WindowCounts> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }
}
