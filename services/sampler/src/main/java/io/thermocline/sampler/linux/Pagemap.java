package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads {@code /proc/PID/pagemap}: one 64-bit entry per virtual page (Documentation/admin-guide/mm/pagemap.rst).
 * PFNs read as zero without CAP_SYS_ADMIN, which {@link #requirePfns} detects.
 */
public final class Pagemap {

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    static final int ENTRY_BYTES = 8;
    static final long PFN_MASK = (1L << 55) - 1;
    static final long SOFT_DIRTY = 1L << 55;
    static final long EXCLUSIVE = 1L << 56;
    static final long FILE_OR_SHARED = 1L << 61;
    static final long SWAPPED = 1L << 62;
    static final long PRESENT = 1L << 63;
    /** Entries read per pread (32 KiB). */
    static final int CHUNK_ENTRIES = 4096;

    private final LinuxFs fs;

    public Pagemap(LinuxFs fs) {
        this.fs = fs;
    }

    /** One decoded entry; {@code pfn} is -1 unless the page is present. */
    public record Entry(long raw) {
        public boolean present() {
            return (raw & PRESENT) != 0;
        }

        public boolean swapped() {
            return (raw & SWAPPED) != 0;
        }

        public boolean exclusive() {
            return (raw & EXCLUSIVE) != 0;
        }

        public boolean fileOrShared() {
            return (raw & FILE_OR_SHARED) != 0;
        }

        public long pfn() {
            return present() ? raw & PFN_MASK : -1;
        }
    }

    Path path(int pid) {
        return fs.proc(pid + "/pagemap");
    }

    /**
     * Raw entries of {@code pages} consecutive pages from {@code va} (page aligned).
     *
     * @throws NoSuchFileException when the process is gone
     */
    public long[] readRaw(int pid, long va, int pages) throws IOException {
        long[] out = new long[pages];
        try (FileChannel ch = FileChannel.open(path(pid), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(Math.min(pages, CHUNK_ENTRIES) * ENTRY_BYTES)
                    .order(ByteOrder.nativeOrder());
            int done = 0;
            while (done < pages) {
                int n = Math.min(pages - done, CHUNK_ENTRIES);
                buf.clear().limit(n * ENTRY_BYTES);
                long pos = ((va >>> PAGE_SHIFT) + done) * ENTRY_BYTES;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos + buf.position());
                    if (r < 0) {
                        break;     // past the end of the address space: leave zeros (not present)
                    }
                }
                buf.flip();
                for (int i = 0; buf.remaining() >= ENTRY_BYTES; i++) {
                    out[done + i] = buf.getLong();
                }
                done += n;
            }
        }
        return out;
    }

    /** Current PFN of each page from {@code va}; -1 for pages not present. */
    public long[] pfns(int pid, long va, int pages) throws IOException {
        long[] raw = readRaw(pid, va, pages);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = new Entry(raw[i]).pfn();
        }
        return raw;
    }

    /** Current PFN of each of many scattered pages (one open, one pread per page), -1 for absent pages. */
    public long[] pfns(int pid, long[] vas) throws IOException {
        long[] out = new long[vas.length];
        try (FileChannel ch = FileChannel.open(path(pid), StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(ENTRY_BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < vas.length; i++) {
                one.clear();
                long pos = (vas[i] >>> PAGE_SHIFT) * ENTRY_BYTES;
                while (one.hasRemaining() && ch.read(one, pos + one.position()) >= 0) {
                    // fill the 8 bytes
                }
                out[i] = one.hasRemaining() ? -1 : new Entry(one.getLong(0)).pfn();
            }
        }
        return out;
    }

    public Entry entry(int pid, long va) throws IOException {
        return new Entry(readRaw(pid, va & ~(PAGE_SIZE - 1), 1)[0]);
    }

    /** Current PFN of (pid, va), -1 when not present. */
    public long pfn(int pid, long va) throws IOException {
        return entry(pid, va).pfn();
    }
}
