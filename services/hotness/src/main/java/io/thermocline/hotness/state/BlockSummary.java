package io.thermocline.hotness.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        int size = utfSize(host);
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
        putAscii(b, host);
        b.putLong(block).putInt(node).putLong(windowEndMs).putLong(epoch).put((byte) last);
        for (int i = 0; i < last; i++) {
            b.putInt((int) histogram[i]);
        }
        putList(b, this.hot);
        putList(b, this.cold);
        putList(b, this.pinned);
        return b.array();
    }

    /** Bytes of {@code writeUTF(s)} when s is ASCII without NUL (1 byte per char), else -1. */
    private static int utfSize(String s) {
        int n = s.length();
        if (n > 0xFFFF) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0x7F) {
                return -1;
            }
        }
        return 2 + n;
    }

    private static int listSize(List<Candidate> list) {
        int size = 2;
        for (Candidate c : list) {
            int cg = c.cgroup() == null ? 0 : utfSize(c.cgroup());
            int cm = c.comm() == null ? 0 : utfSize(c.comm());
            if (cg < 0 || cm < 0) {
                return -1;
            }
            size += 8 + 4 + 8 + 4 + 8 + 1 + 1 + cg + 1 + cm;
        }
        return size;
    }

    private static void putAscii(ByteBuffer b, String s) {
        b.putShort((short) s.length());
        for (int i = 0; i < s.length(); i++) {
            b.put((byte) s.charAt(i));
        }
    }

    private static void putNullableAscii(ByteBuffer b, String s) {
        b.put((byte) (s == null ? 0 : 1));
        if (s != null) {
            putAscii(b, s);
        }
    }

    private static void putList(ByteBuffer b, List<Candidate> list) {
        b.putShort((short) list.size());
        for (Candidate c : list) {
            b.putLong(c.pfn()).putInt(c.generation()).putLong(c.heat()).putInt(c.pid()).putLong(c.vaddr())
                    .put((byte) c.folioOrder());
            putNullableAscii(b, c.cgroup());
            putNullableAscii(b, c.comm());
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

    public static BlockSummary fromBytes(byte[] b) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            String host = in.readUTF();
            long block = in.readLong();
            int node = in.readInt();
            long end = in.readLong();
            long epoch = in.readLong();
            long[] hist = new long[BINS];
            int last = in.readByte();
            for (int i = 0; i < last; i++) {
                hist[i] = in.readInt();
            }
            return new BlockSummary(host, block, node, end, epoch, hist, readList(in), readList(in), readList(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static List<Candidate> readList(DataInputStream in) throws IOException {
        int n = in.readShort();
        List<Candidate> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new Candidate(in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(),
                    in.readByte(), Codec.readNullableString(in), Codec.readNullableString(in)));
        }
        return list;
    }
}
