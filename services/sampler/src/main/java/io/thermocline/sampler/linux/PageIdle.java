package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Idle page tracking ({@code /sys/kernel/mm/page_idle/bitmap}, Documentation/admin-guide/mm/idle_page_tracking.rst):
 * set a frame's bit to mark it idle; a bit cleared later means the frame was accessed since. The file is accessed
 * in 8-byte words, each covering 64 frames. Kernels built without CONFIG_IDLE_PAGE_TRACKING (Debian's) lack it.
 */
public final class PageIdle {

    static final String BITMAP = "kernel/mm/page_idle/bitmap";
    static final int PFNS_PER_WORD = 64;

    private final Path bitmap;

    private PageIdle(Path bitmap) {
        this.bitmap = bitmap;
    }

    public static boolean available(LinuxFs fs) {
        return Files.exists(fs.sys(BITMAP));
    }

    public static PageIdle open(LinuxFs fs) throws MissingCapabilityException {
        Path p = fs.sys(BITMAP);
        if (!Files.exists(p)) {
            throw new MissingCapabilityException(p.toString(),
                    "idle page tracking absent (kernel without CONFIG_IDLE_PAGE_TRACKING)");
        }
        if (!Files.isWritable(p)) {
            throw new MissingCapabilityException("root", p + " is not writable: idle page tracking needs root");
        }
        return new PageIdle(p);
    }

    /** Marks {@code count} frames from {@code startPfn} idle (start and count rounded out to 64-frame words). */
    public void markIdle(long startPfn, long count) throws IOException {
        long firstWord = startPfn / PFNS_PER_WORD;
        long words = (startPfn + count + PFNS_PER_WORD - 1) / PFNS_PER_WORD - firstWord;
        try (FileChannel ch = FileChannel.open(bitmap, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(8 * 512).order(ByteOrder.nativeOrder());
            for (long w = 0; w < words; ) {
                int n = (int) Math.min(512, words - w);
                buf.clear();
                for (int i = 0; i < n; i++) {
                    buf.putLong(-1L);
                }
                buf.flip();
                long pos = (firstWord + w) * 8;
                while (buf.hasRemaining()) {
                    ch.write(buf, pos + buf.position());
                }
                w += n;
            }
        }
    }

    /**
     * Accessed flags of {@code count} frames from {@code startPfn}: true when the frame's idle bit is clear, i.e. it
     * was accessed since {@link #markIdle} (frames the kernel cannot track, e.g. non-LRU, also read as accessed).
     */
    public boolean[] accessed(long startPfn, int count) throws IOException {
        long firstWord = startPfn / PFNS_PER_WORD;
        long words = (startPfn + count + PFNS_PER_WORD - 1) / PFNS_PER_WORD - firstWord;
        ByteBuffer buf = ByteBuffer.allocate((int) (words * 8)).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(bitmap, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, firstWord * 8 + buf.position()) < 0) {
                    break;
                }
            }
        }
        buf.flip();
        boolean[] out = new boolean[count];
        for (int i = 0; i < count; i++) {
            long pfn = startPfn + i;
            int word = (int) (pfn / PFNS_PER_WORD - firstWord);
            long bits = word * 8 + 8 <= buf.limit() ? buf.getLong(word * 8) : 0;
            out[i] = (bits & (1L << (pfn % PFNS_PER_WORD))) == 0;
        }
        return out;
    }
}
