package io.thermocline.emulator.workload;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A {@code valgrind --tool=lackey --trace-mem=yes} trace, plain or gzip (detected by magic bytes). Data lines
 * {@code " L addr,size"}, {@code " S ..."}, {@code " M ..."} are accesses; instruction lines ({@code "I ..."}) and
 * valgrind banner lines ({@code "==pid== ..."}) are skipped. Page = address >> 12. The whole trace is held as an
 * int array of page indices (pages sorted by address), so replay allocates nothing.
 */
public final class LackeyTrace {
    private static final int PAGE_SHIFT = 12;

    private final Path path;
    private final long[] pageVas;      // sorted page-aligned addresses
    private final int[] accesses;      // page index per access, trace order
    private final int length;
    private final long skippedLines;

    private LackeyTrace(Path path, long[] pageVas, int[] accesses, int length, long skippedLines) {
        this.path = path;
        this.pageVas = pageVas;
        this.accesses = accesses;
        this.length = length;
        this.skippedLines = skippedLines;
    }

    public Path path() {
        return path;
    }

    /** Distinct 4 KiB pages touched by data accesses. */
    public int pages() {
        return pageVas.length;
    }

    public long[] pageVas() {
        return pageVas.clone();
    }

    /** Number of data accesses. */
    public int accesses() {
        return length;
    }

    public long skippedLines() {
        return skippedLines;
    }

    int accessAt(int i) {
        return accesses[i];
    }

    /** Reads a trace; throws IOException with the path in the message when unreadable or empty. */
    public static LackeyTrace read(Path path) throws IOException {
        if (!Files.isReadable(path)) throw new IOException("trace not readable: " + path);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                    : raw;
            return parse(path, in);
        }
    }

    private static LackeyTrace parse(Path path, InputStream in) throws IOException {
        LongIntMap ids = new LongIntMap(1024);
        long[] firstPages = new long[1024];
        int[] acc = new int[1 << 20];
        int n = 0;
        long skipped = 0;
        byte[] buf = new byte[1 << 16];
        // line state machine over the byte stream
        int col = 0;            // position within the line
        boolean data = false;   // line is " L|S|M addr,size"
        boolean inAddr = false;
        boolean done = false;   // address finished for this line
        long addr = 0;
        int digits = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            for (int i = 0; i < r; i++) {
                byte c = buf[i];
                if (c == '\n') {
                    if (data && digits > 0) {
                        long page = addr >>> PAGE_SHIFT;
                        int id = ids.get(page);
                        if (id < 0) {
                            id = ids.size();
                            ids.put(page, id);
                            if (id == firstPages.length) firstPages = Arrays.copyOf(firstPages, id * 2);
                            firstPages[id] = page;
                        }
                        if (n == acc.length) acc = Arrays.copyOf(acc, acc.length * 2);
                        acc[n++] = id;
                    } else if (col > 0) {
                        skipped++;
                    }
                    col = 0;
                    data = false;
                    inAddr = false;
                    done = false;
                    addr = 0;
                    digits = 0;
                    continue;
                }
                if (col == 0) {
                    data = c == ' ';
                } else if (col == 1 && data) {
                    data = c == 'L' || c == 'S' || c == 'M';
                } else if (data && !done) {
                    int d = hex(c);
                    if (d >= 0) {
                        inAddr = true;
                        addr = (addr << 4) | d;
                        if (++digits > 16) data = false;
                    } else if (inAddr) {
                        done = true;         // ',' ends the address
                        if (c != ',') data = false;
                    } else if (c != ' ') {
                        data = false;
                    }
                }
                col++;
            }
        }
        if (col > 0) { // last line without newline
            if (data && digits > 0) {
                long page = addr >>> PAGE_SHIFT;
                int id = ids.get(page);
                if (id < 0) {
                    id = ids.size();
                    ids.put(page, id);
                    if (id == firstPages.length) firstPages = Arrays.copyOf(firstPages, id * 2);
                    firstPages[id] = page;
                }
                if (n == acc.length) acc = Arrays.copyOf(acc, acc.length + 1);
                acc[n++] = id;
            } else {
                skipped++;
            }
        }
        int distinct = ids.size();
        if (n == 0) throw new IOException("trace has no data accesses (L/S/M lines): " + path);
        // renumber ids so page index order is address order
        Integer[] order = new Integer[distinct];
        for (int i = 0; i < distinct; i++) order[i] = i;
        final long[] fp = firstPages;
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(fp[a], fp[b]));
        int[] remap = new int[distinct];
        long[] vas = new long[distinct];
        for (int i = 0; i < distinct; i++) {
            remap[order[i]] = i;
            vas[i] = fp[order[i]] << PAGE_SHIFT;
        }
        for (int i = 0; i < n; i++) acc[i] = remap[acc[i]];
        return new LackeyTrace(path, vas, acc, n, skipped);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** Open-addressing long -> int map (no boxing). */
    static final class LongIntMap {
        private long[] keys;
        private int[] vals;
        private boolean[] used;
        private int size;

        LongIntMap(int cap) {
            int c = Integer.highestOneBit(Math.max(16, cap) * 2);
            keys = new long[c];
            vals = new int[c];
            used = new boolean[c];
        }

        int size() {
            return size;
        }

        int get(long k) {
            int mask = keys.length - 1;
            for (int i = hash(k) & mask; used[i]; i = (i + 1) & mask) if (keys[i] == k) return vals[i];
            return -1;
        }

        void put(long k, int v) {
            if ((size + 1) * 2 > keys.length) grow();
            int mask = keys.length - 1;
            int i = hash(k) & mask;
            while (used[i] && keys[i] != k) i = (i + 1) & mask;
            if (!used[i]) size++;
            used[i] = true;
            keys[i] = k;
            vals[i] = v;
        }

        private void grow() {
            long[] ok = keys;
            int[] ov = vals;
            boolean[] ou = used;
            keys = new long[ok.length * 2];
            vals = new int[ok.length * 2];
            used = new boolean[ok.length * 2];
            size = 0;
            for (int i = 0; i < ok.length; i++) if (ou[i]) put(ok[i], ov[i]);
        }

        private static int hash(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }

    /** This trace as a workload split into {@code epochs} epochs of equal access count (the last may differ by one). */
    public Workload asWorkload(int epochs) {
        if (epochs <= 0) throw new IllegalArgumentException("epochs must be > 0");
        final LackeyTrace t = this;
        return new Workload() {
            @Override
            public String name() {
                return "lackey:" + t.path.getFileName();
            }

            @Override
            public int pages() {
                return t.pages();
            }

            @Override
            public long[] pageVas() {
                return t.pageVas();
            }

            @Override
            public boolean initSweep() {
                return false; // a real trace's first touches are in the trace itself
            }

            private long start(int e) {
                return (long) e * t.length / epochs;
            }

            @Override
            public int epochAccesses(int epoch) {
                if (epoch >= epochs) return 0;
                return (int) (start(epoch + 1) - start(epoch));
            }

            @Override
            public void fill(int epoch, int[] buf, int off) {
                int s = (int) start(epoch);
                System.arraycopy(t.accesses, s, buf, off, epochAccesses(epoch));
            }
        };
    }
}
