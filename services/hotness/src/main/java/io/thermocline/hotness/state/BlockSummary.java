package io.thermocline.hotness.state;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What stage 1 tells stage 2 about one block after each fold: the log2 histogram of its pages'
 * heat and a bounded number of candidates. Stage 2 keeps the newest summary per block.
 */
public record BlockSummary(String host, long block, int node, long windowEndMs, long epoch, long[] histogram,
                           List<Candidate> hot, List<Candidate> cold, List<Candidate> pinned)
        implements Stage2Event {

    public static final int BINS = 64;

    public int pageCount() {
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        return (int) n;
    }

    public byte[] toBytes() {
        // the common case - ASCII names - straight into a byte array sized up front; the same bytes as below
        int size = Codec.asciiUtfSize(host);
        int last = histogram.length;
        while (last > 0 && histogram[last - 1] == 0) {
            last--;
        }
        int hot = listSize(this.hot);
        int cold = listSize(this.cold);
        int pinned = listSize(this.pinned);
        if (size < 0 || hot < 0 || cold < 0 || pinned < 0) {
            return toBytesViaStream();
        }
        ByteBuffer b = ByteBuffer.allocate(size + 8 + 4 + 8 + 8 + 1 + 4 * last + hot + cold + pinned);
        Codec.putAscii(b, host);
        b.putLong(block).putInt(node).putLong(windowEndMs).putLong(epoch).put((byte) last);
        for (int i = 0; i < last; i++) {
            b.putInt((int) histogram[i]);
        }
        putList(b, this.hot);
        putList(b, this.cold);
        putList(b, this.pinned);
        return b.array();
    }

    private static int listSize(List<Candidate> list) {
        int size = 2;
        for (Candidate c : list) {
            int cg = Codec.nullableAsciiSize(c.cgroup());
            int cm = Codec.nullableAsciiSize(c.comm());
            if (cg < 0 || cm < 0) {
                return -1;
            }
            size += 8 + 4 + 8 + 4 + 8 + 1 + cg + cm;
        }
        return size;
    }

    private static void putList(ByteBuffer b, List<Candidate> list) {
        b.putShort((short) list.size());
        for (Candidate c : list) {
            b.putLong(c.pfn()).putInt(c.generation()).putLong(c.heat()).putInt(c.pid()).putLong(c.vaddr())
                    .put((byte) c.folioOrder());
            Codec.putNullableAscii(b, c.cgroup());
            Codec.putNullableAscii(b, c.comm());
        }
    }

    /** The reference encoding (DataOutputStream); also for names outside ASCII. */
    byte[] toBytesViaStream() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bos);
            out.writeUTF(host);
            out.writeLong(block);
            out.writeInt(node);
            out.writeLong(windowEndMs);
            out.writeLong(epoch);
            int last = histogram.length;
            while (last > 0 && histogram[last - 1] == 0) {
                last--;
            }
            out.writeByte(last);
            for (int i = 0; i < last; i++) {
                out.writeInt((int) histogram[i]);
            }
            writeList(out, hot);
            writeList(out, cold);
            writeList(out, pinned);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BlockSummary fromBytes(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            String host = Codec.getUtf(b);
            long block = b.getLong();
            int node = b.getInt();
            long end = b.getLong();
            long epoch = b.getLong();
            long[] hist = new long[BINS];
            int last = b.get();
            for (int i = 0; i < last; i++) {
                hist[i] = b.getInt();
            }
            return new BlockSummary(host, block, node, end, epoch, hist, readList(b), readList(b), readList(b));
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("block summary value of " + bytes.length + " bytes is truncated", e);
        }
    }

    private static void writeList(DataOutputStream out, List<Candidate> list) throws IOException {
        out.writeShort(list.size());
        for (Candidate c : list) {
            out.writeLong(c.pfn());
            out.writeInt(c.generation());
            out.writeLong(c.heat());
            out.writeInt(c.pid());
            out.writeLong(c.vaddr());
            out.writeByte(c.folioOrder());
            Codec.writeNullableString(out, c.cgroup());
            Codec.writeNullableString(out, c.comm());
        }
    }

    private static List<Candidate> readList(ByteBuffer b) {
        int n = b.getShort();
        List<Candidate> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new Candidate(b.getLong(), b.getInt(), b.getLong(), b.getInt(), b.getLong(), b.get(),
                    Codec.getNullableUtf(b), Codec.getNullableUtf(b)));
        }
        return list;
    }
}
