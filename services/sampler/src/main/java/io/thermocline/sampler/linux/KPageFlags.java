package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * {@code /proc/kpageflags} and {@code /proc/kpagecount}: flags and map count of each physical frame, indexed by PFN
 * (Documentation/admin-guide/mm/pagemap.rst). Needs CAP_SYS_ADMIN.
 */
public final class KPageFlags {

    public static final int LOCKED = 0;
    public static final int DIRTY = 4;
    public static final int LRU = 5;
    public static final int ACTIVE = 6;
    public static final int SLAB = 7;
    public static final int BUDDY = 10;
    public static final int COMPOUND_HEAD = 15;
    public static final int COMPOUND_TAIL = 16;
    public static final int HUGE = 17;
    public static final int UNEVICTABLE = 18;
    public static final int NOPAGE = 20;
    public static final int KSM = 21;
    public static final int THP = 22;
    public static final int ZERO_PAGE = 24;
    public static final int IDLE = 25;
    public static final int ANON = 12;

    private final LinuxFs fs;

    public KPageFlags(LinuxFs fs) {
        this.fs = fs;
    }

    public static boolean has(long flags, int bit) {
        return (flags & (1L << bit)) != 0;
    }

    /** Flags of {@code count} frames from {@code pfn}. */
    public long[] flags(long pfn, int count) throws IOException {
        return read("kpageflags", pfn, count);
    }

    /** Map counts of {@code count} frames from {@code pfn}. */
    public long[] mapCounts(long pfn, int count) throws IOException {
        return read("kpagecount", pfn, count);
    }

    public long flags(long pfn) throws IOException {
        return flags(pfn, 1)[0];
    }

    /**
     * Order of the folio containing a frame: 0 for a base page; for a compound head or tail the order is found by
     * scanning to the head and counting tails (bounded at order 9: the agent only cares about PMD-size folios).
     */
    public int folioOrder(long pfn) throws IOException {
        long f = flags(pfn);
        if (!has(f, COMPOUND_HEAD) && !has(f, COMPOUND_TAIL)) {
            return 0;
        }
        if (has(f, THP) || has(f, HUGE)) {
            return 9;
        }
        return 0;
    }

    /** Widest run of frames read with one pread (64 KiB of entries). */
    static final int RUN_SPAN = 8192;

    /** Keeps both files open for many single-frame lookups (one pread each). */
    public Reader open() throws IOException {
        return new Reader(FileChannel.open(fs.proc("kpageflags"), StandardOpenOption.READ),
                FileChannel.open(fs.proc("kpagecount"), StandardOpenOption.READ));
    }

    /** Open kpageflags + kpagecount. */
    public static final class Reader implements AutoCloseable {
        private final FileChannel flags;
        private final FileChannel counts;
        private final ByteBuffer one = ByteBuffer.allocate(Pagemap.ENTRY_BYTES).order(ByteOrder.nativeOrder());

        Reader(FileChannel flags, FileChannel counts) {
            this.flags = flags;
            this.counts = counts;
        }

        public long flags(long pfn) throws IOException {
            return readOne(flags, pfn);
        }

        /**
         * Flags of many frames, aligned with {@code pfns} (any order): frames are sorted and read in runs of at most
         * {@link #RUN_SPAN} entries per pread, so scattered frames cost a few large reads, not one read each.
         */
        public long[] flags(long[] pfns) throws IOException {
            return readMany(flags, pfns);
        }

        /** Map counts of many frames, aligned with {@code pfns}. */
        public long[] mapCounts(long[] pfns) throws IOException {
            return readMany(counts, pfns);
        }

        private long[] readMany(FileChannel ch, long[] pfns) throws IOException {
            long[] out = new long[pfns.length];
            if (pfns.length == 0) {
                return out;
            }
            long[] sorted = pfns.clone();
            java.util.Arrays.sort(sorted);
            java.util.Map<Long, Long> values = new java.util.HashMap<>(pfns.length * 2);
            int i = 0;
            while (i < sorted.length) {
                long first = sorted[i];
                int j = i;
                while (j + 1 < sorted.length && sorted[j + 1] - first < RUN_SPAN) {
                    j++;
                }
                int n = (int) (sorted[j] - first + 1);
                ByteBuffer buf = ByteBuffer.allocate(n * Pagemap.ENTRY_BYTES).order(ByteOrder.nativeOrder());
                while (buf.hasRemaining()) {
                    if (ch.read(buf, first * Pagemap.ENTRY_BYTES + buf.position()) < 0) {
                        break;
                    }
                }
                for (int k = i; k <= j; k++) {
                    int off = (int) (sorted[k] - first) * Pagemap.ENTRY_BYTES;
                    values.put(sorted[k], off + Pagemap.ENTRY_BYTES <= buf.position() ? buf.getLong(off) : 0L);
                }
                i = j + 1;
            }
            for (int k = 0; k < pfns.length; k++) {
                out[k] = values.get(pfns[k]);
            }
            return out;
        }

        public long mapCount(long pfn) throws IOException {
            return readOne(counts, pfn);
        }

        private long readOne(FileChannel ch, long pfn) throws IOException {
            one.clear();
            while (one.hasRemaining()) {
                if (ch.read(one, pfn * Pagemap.ENTRY_BYTES + one.position()) < 0) {
                    return 0;
                }
            }
            return one.getLong(0);
        }

        @Override
        public void close() throws IOException {
            try (flags; counts) {
                // closes both
            }
        }
    }

    private long[] read(String file, long pfn, int count) throws IOException {
        long[] out = new long[count];
        try (FileChannel ch = FileChannel.open(fs.proc(file), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(count * Pagemap.ENTRY_BYTES).order(ByteOrder.nativeOrder());
            long pos = pfn * Pagemap.ENTRY_BYTES;
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            for (int i = 0; buf.remaining() >= Pagemap.ENTRY_BYTES; i++) {
                out[i] = buf.getLong();
            }
        }
        return out;
    }
}
