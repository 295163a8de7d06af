package io.thermocline.hotness.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
