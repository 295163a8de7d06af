package io.thermocline.hotness.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decayed hotness of the tracked pages of one (host, PFN block), the stage-1 state value. Stored compact
 * (version 2): a header, then per tracked page three varints - offset gap from the previous page, heat as its
 * {@link Heat16} code, generation (u16, wrapping) - about 3 bytes a page; then rare forwarding entries of pages
 * moved out of the block (so late samples for the old frame credit the moved page). Version 1 values (6 bytes a
 * page, fixed width) still decode.
 */
public final class BlockState {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    /** Version 1: header, 6 bytes a page (offset, heat code, generation: u16 each), forwards. */
    public static final int HEADER_BYTES = 1 + 4 + 8 + 2 + 2 + 2;
    public static final int PAGE_BYTES = 6;
    public static final int FORWARD_BYTES = 2 + 8 + 8 + 2;
    /** Version 2: version, node, last window end, shift (u16), pages (int), forwards (u16). */
    public static final int HEADER_BYTES_V2 = 1 + 4 + 8 + 2 + 4 + 2;
    private static final int MAX_PAGE_BYTES_V2 = 3 * 3; // three varints of at most 16 bits
    private static final int GEN_MASK = 0xFFFF;

    private int node = -1;
    private long lastWindowEndMs = -1;
    private int shift = 9;
    private int size;
    private int[] offsets = new int[8];
    private long[] heats = new long[8];
    private int[] gens = new int[8];
    // forwarding entries: page moved out of this block
    private int forwardCount;
    private int[] fwdOffsets = new int[0];
    private long[] fwdNewPfns = new long[0];
    private long[] fwdTimes = new long[0];
    private int[] fwdOldGens = new int[0];

    public static BlockState empty(int shift) {
        BlockState s = new BlockState();
        s.shift = shift;
        return s;
    }

    public int node() {
        return node;
    }

    public void node(int n) {
        this.node = n;
    }

    public int shift() {
        return shift;
    }

    public void shift(int s) {
        this.shift = s;
    }

    public long lastWindowEndMs() {
        return lastWindowEndMs;
    }

    public void lastWindowEndMs(long t) {
        this.lastWindowEndMs = t;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0 && forwardCount == 0;
    }

    public int offsetAt(int i) {
        return offsets[i];
    }

    public long heatAt(int i) {
        return heats[i];
    }

    public int genAt(int i) {
        return gens[i];
    }

    public void setHeatAt(int i, long heat) {
        heats[i] = Heat16.quantize(heat);
    }

    /** Index of the page with this offset, or -(insertion point) - 1. */
    public int indexOf(int offset) {
        return Arrays.binarySearch(offsets, 0, size, offset);
    }

    /** Index of the page, inserting a cold entry with the given generation if absent. */
    public int ensure(int offset, int gen) {
        int i = indexOf(offset);
        return i >= 0 ? i : insertAt(-i - 1, offset, gen);
    }

    /**
     * As {@link #ensure}, for offsets visited in ascending order: {@code from} is the index returned for the previous
     * (smaller) offset, or 0, so a whole window is merged in one pass instead of a binary search per page.
     */
    public int ensureFrom(int from, int offset, int gen) {
        int i = Math.max(0, from);
        while (i < size && offsets[i] < offset) {
            i++;
        }
        return i < size && offsets[i] == offset ? i : insertAt(i, offset, gen);
    }

    private int insertAt(int at, int offset, int gen) {
        if (size == offsets.length) {
            int cap = Math.max(8, size * 2);
            offsets = Arrays.copyOf(offsets, cap);
            heats = Arrays.copyOf(heats, cap);
            gens = Arrays.copyOf(gens, cap);
        }
        System.arraycopy(offsets, at, offsets, at + 1, size - at);
        System.arraycopy(heats, at, heats, at + 1, size - at);
        System.arraycopy(gens, at, gens, at + 1, size - at);
        offsets[at] = offset;
        heats[at] = 0;
        gens[at] = gen & GEN_MASK;
        size++;
        return at;
    }

    public void setGenAt(int i, int gen) {
        gens[i] = gen & GEN_MASK;
    }

    public void addHeatAt(int i, long delta) {
        long h = heats[i] + delta;
        heats[i] = Heat16.quantize(h < 0 ? Long.MAX_VALUE : h);
    }

    public void removeAt(int i) {
        System.arraycopy(offsets, i + 1, offsets, i, size - i - 1);
        System.arraycopy(heats, i + 1, heats, i, size - i - 1);
        System.arraycopy(gens, i + 1, gens, i, size - i - 1);
        size--;
    }

    /** Multiplies every heat by factor (decay), rounding down. */
    public void decay(double factor) {
        int halvings = halvings(factor);
        if (halvings == 0) {
            return;
        }
        for (int i = 0; i < size; i++) {
            heats[i] = decayed(heats[i], factor, halvings);
        }
    }

    /**
     * k when {@code factor} is exactly 2^-k (the default decay 0.5 over k windows), 0 for no decay (factor >= 1),
     * -1 for any other factor.
     */
    static int halvings(double factor) {
        if (factor >= 1.0) {
            return 0;
        }
        if (factor <= 0 || factor != Math.scalb(1.0, Math.getExponent(factor))) {
            return factor <= 0 ? 63 : -1;
        }
        return Math.min(63, -Math.getExponent(factor));
    }

    /**
     * A stored heat times the factor, rounded down, as stored: with an exact power of two a shift gives the same
     * value (a stored heat has at most 12 significant bits, exact as a double, and so has the result).
     */
    private static long decayed(long heat, double factor, int halvings) {
        return halvings > 0 ? heat >> halvings : Heat16.quantize((long) (heat * factor));
    }

    /**
     * One window into the block: every heat times {@code factor} (when below 1), then each page's count of the
     * window added (pages not tracked yet join with generation 0) - as {@link #decay} then {@link #ensureFrom} and
     * {@link #addHeatAt} per page, in one pass. Forwarding entries are not consulted: callers use this only for a
     * block without any.
     */
    public void decayAndAdd(double factor, WindowCounts counts) {
        int m = counts.size();
        int halvings = halvings(factor);
        boolean decay = halvings != 0;
        // pages of the window not tracked yet: merge into new arrays; else in place
        int added = 0;
        for (int i = 0, k = 0; k < m; k++) {
            int off = counts.offsetAt(k);
            while (i < size && offsets[i] < off) {
                i++;
            }
            if (i == size || offsets[i] != off) {
                added++;
            }
        }
        if (added == 0) {
            for (int i = 0, k = 0; i < size; i++) {
                long h = decay ? decayed(heats[i], factor, halvings) : heats[i];
                if (k < m && counts.offsetAt(k) == offsets[i]) {
                    h += counts.countAt(k++);
                    h = Heat16.quantize(h < 0 ? Long.MAX_VALUE : h);
                }
                heats[i] = h;
            }
            return;
        }
        int n = size + added;
        int cap = Math.max(8, n + (n >> 3));
        int[] o2 = new int[cap];
        long[] h2 = new long[cap];
        int[] g2 = new int[cap];
        int i = 0;
        int k = 0;
        for (int j = 0; j < n; j++) {
            int off = k < m ? counts.offsetAt(k) : Integer.MAX_VALUE;
            long h;
            if (i < size && offsets[i] <= off) {
                o2[j] = offsets[i];
                g2[j] = gens[i];
                h = decay ? decayed(heats[i], factor, halvings) : heats[i];
                if (offsets[i++] == off) {
                    h += counts.countAt(k++);
                    h = Heat16.quantize(h < 0 ? Long.MAX_VALUE : h);
                }
            } else {
                o2[j] = off;
                g2[j] = 0;
                h = Heat16.quantize(counts.countAt(k++));
            }
            h2[j] = h;
        }
        offsets = o2;
        heats = h2;
        gens = g2;
        size = n;
    }

    // --- forwarding entries ---

    public int forwardCount() {
        return forwardCount;
    }

    public void addForward(int offset, long newPfn, long timeMs, int oldGen) {
        removeForward(offset);
        int n = forwardCount + 1;
        fwdOffsets = Arrays.copyOf(fwdOffsets, n);
        fwdNewPfns = Arrays.copyOf(fwdNewPfns, n);
        fwdTimes = Arrays.copyOf(fwdTimes, n);
        fwdOldGens = Arrays.copyOf(fwdOldGens, n);
        fwdOffsets[forwardCount] = offset;
        fwdNewPfns[forwardCount] = newPfn;
        fwdTimes[forwardCount] = timeMs;
        fwdOldGens[forwardCount] = oldGen & GEN_MASK;
        forwardCount = n;
    }

    /** Index of the forward entry of an offset, or -1. */
    public int forwardIndex(int offset) {
        for (int i = 0; i < forwardCount; i++) {
            if (fwdOffsets[i] == offset) {
                return i;
            }
        }
        return -1;
    }

    public long forwardNewPfn(int i) {
        return fwdNewPfns[i];
    }

    public long forwardTime(int i) {
        return fwdTimes[i];
    }

    public int forwardOldGen(int i) {
        return fwdOldGens[i];
    }

    public void removeForward(int offset) {
        int i = forwardIndex(offset);
        if (i < 0) {
            return;
        }
        int last = forwardCount - 1;
        fwdOffsets[i] = fwdOffsets[last];
        fwdNewPfns[i] = fwdNewPfns[last];
        fwdTimes[i] = fwdTimes[last];
        fwdOldGens[i] = fwdOldGens[last];
        forwardCount = last;
        fwdOffsets = Arrays.copyOf(fwdOffsets, last);
        fwdNewPfns = Arrays.copyOf(fwdNewPfns, last);
        fwdTimes = Arrays.copyOf(fwdTimes, last);
        fwdOldGens = Arrays.copyOf(fwdOldGens, last);
    }

    /** Drops forwarding entries for moves older than the cutoff. */
    public void expireForwards(long cutoffMs) {
        for (int i = forwardCount - 1; i >= 0; i--) {
            if (fwdTimes[i] < cutoffMs) {
                removeForward(fwdOffsets[i]);
            }
        }
    }

    // --- codec ---

    /** The stored value (version 2). */
    public byte[] toBytes() {
        byte[] b = Varints.scratch(HEADER_BYTES_V2 + size * MAX_PAGE_BYTES_V2 + forwardCount * FORWARD_BYTES);
        b[0] = VERSION;
        putInt(b, 1, node);
        putLong(b, 5, lastWindowEndMs);
        putShort(b, 13, shift);
        putInt(b, 15, size);
        putShort(b, 19, forwardCount);
        int at = HEADER_BYTES_V2;
        int prev = -1;
        for (int i = 0; i < size; i++) {
            at = Varints.put(b, at, offsets[i] - prev - 1);
            prev = offsets[i];
            at = Varints.put(b, at, Heat16.encode(heats[i]));
            at = Varints.put(b, at, gens[i]);
        }
        for (int i = 0; i < forwardCount; i++, at += FORWARD_BYTES) {
            putShort(b, at, fwdOffsets[i]);
            putLong(b, at + 2, fwdNewPfns[i]);
            putLong(b, at + 10, fwdTimes[i]);
            putShort(b, at + 18, fwdOldGens[i]);
        }
        return Arrays.copyOf(b, at);
    }

    // big-endian: the layout ByteBuffer wrote for version 1
    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    public static BlockState fromBytes(byte[] bytes) {
        if (bytes.length < 1) {
            throw new IllegalStateException("empty block state");
        }
        if (bytes[0] == VERSION_1) {
            return fromBytesV1(bytes);
        }
        if (bytes[0] != VERSION) {
            throw new IllegalStateException("unknown block state version " + bytes[0]);
        }
        if (bytes.length < HEADER_BYTES_V2) {
            throw new IllegalStateException("block state of " + bytes.length + " bytes is shorter than its header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        BlockState s = new BlockState();
        s.node = buf.getInt(1);
        s.lastWindowEndMs = buf.getLong(5);
        s.shift = buf.getShort(13);
        int n = buf.getInt(15);
        int f = buf.getShort(19) & 0xFFFF;
        if (n < 0 || n > 1 << 16 || f * FORWARD_BYTES > bytes.length - HEADER_BYTES_V2 - n) {
            throw new IllegalStateException("block state of " + bytes.length + " bytes for " + n + " pages and " + f
                    + " forwards");
        }
        s.allocate(n);
        Varints.Reader in = new Varints.Reader(bytes, HEADER_BYTES_V2, bytes.length - f * FORWARD_BYTES);
        int off = -1;
        for (int i = 0; i < n; i++) {
            off += in.next() + 1;
            int code = in.next();
            int gen = in.next();
            if (off > 0xFFFF || code > Heat16.MAX_CODE || gen > GEN_MASK || off < 0 || code < 0 || gen < 0) {
                throw new IllegalStateException("block state page " + i + " out of range: offset " + off + ", heat "
                        + "code " + code + ", generation " + gen);
            }
            s.offsets[i] = off;
            s.heats[i] = Heat16.decode(code);
            s.gens[i] = gen;
        }
        if (in.position() != bytes.length - f * FORWARD_BYTES) {
            throw new IllegalStateException("block state of " + bytes.length + " bytes: " + n + " pages end at byte "
                    + in.position() + ", " + f + " forwards need the rest");
        }
        s.size = n;
        s.readForwards(buf, in.position(), f);
        return s;
    }

    private static BlockState fromBytesV1(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalStateException("block state of " + bytes.length + " bytes is shorter than its header");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        BlockState s = new BlockState();
        s.node = buf.getInt(1);
        s.lastWindowEndMs = buf.getLong(5);
        s.shift = buf.getShort(13);
        int n = buf.getShort(15) & 0xFFFF;
        int f = buf.getShort(17) & 0xFFFF;
        if (bytes.length != HEADER_BYTES + n * PAGE_BYTES + f * FORWARD_BYTES) {
            throw new IllegalStateException("block state of " + bytes.length + " bytes for " + n + " pages and " + f
                    + " forwards");
        }
        s.allocate(n);
        s.size = n;
        int at = HEADER_BYTES;
        for (int i = 0; i < n; i++, at += PAGE_BYTES) {
            s.offsets[i] = u16(bytes, at);
            s.heats[i] = Heat16.decode(u16(bytes, at + 2));
            s.gens[i] = u16(bytes, at + 4);
        }
        s.readForwards(buf, at, f);
        return s;
    }

    /** Page arrays for n pages, with room to grow: a window often adds pages to a block. */
    private void allocate(int n) {
        int cap = Math.max(8, n + (n >> 2));
        offsets = new int[cap];
        heats = new long[cap];
        gens = new int[cap];
    }

    private void readForwards(ByteBuffer buf, int at, int f) {
        buf.position(at);
        forwardCount = f;
        fwdOffsets = new int[f];
        fwdNewPfns = new long[f];
        fwdTimes = new long[f];
        fwdOldGens = new int[f];
        for (int i = 0; i < f; i++) {
            fwdOffsets[i] = buf.getShort() & 0xFFFF;
            fwdNewPfns[i] = buf.getLong();
            fwdTimes[i] = buf.getLong();
            fwdOldGens[i] = buf.getShort() & 0xFFFF;
        }
    }
}
