package io.thermocline.hotness.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stage-2 state of one host: rate-limit bucket, hysteresis, recent moves, counters. */
public final class HostState {

    /** Page identity that survives moves: (pid, vaddr). */
    public record PageRef(int pid, long vaddr) {
    }

    /** A page moved by one of our decisions: direction +1 promote, -1 demote; in window index. */
    public record RecentMove(long window, int direction) {
    }

    public double tokensBytes = -1;
    public long lastRefillMs = -1;
    public long lastEvalWindow = -1;
    /** Pages tracked at the last evaluation: growth means new allocations, which want free fast headroom. */
    public long trackedPages = -1;
    /** Hot streak of a page: consecutive sampling windows it was above the threshold, and the last one. */
    public record Streak(int count, long lastWindow) {
    }

    /** Streaks of current promotion candidates. */
    public final Map<PageRef, Streak> hotStreak = new HashMap<>();
    public final Map<PageRef, RecentMove> recent = new HashMap<>();
    /** Monotone counters, by name (see {@link Counters}). */
    public final Map<String, Long> counters = new LinkedHashMap<>();

    public void count(String name, long delta) {
        if (delta != 0) {
            counters.merge(name, delta, Long::sum);
        }
    }

    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bos);
            out.writeDouble(tokensBytes);
            out.writeLong(lastRefillMs);
            out.writeLong(lastEvalWindow);
            out.writeInt(hotStreak.size());
            for (var e : hotStreak.entrySet()) {
                out.writeInt(e.getKey().pid());
                out.writeLong(e.getKey().vaddr());
                out.writeInt(e.getValue().count());
                out.writeLong(e.getValue().lastWindow());
            }
            out.writeInt(recent.size());
            for (var e : recent.entrySet()) {
                out.writeInt(e.getKey().pid());
                out.writeLong(e.getKey().vaddr());
                out.writeLong(e.getValue().window());
                out.writeByte(e.getValue().direction());
            }
            out.writeInt(counters.size());
            for (var e : counters.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeLong(trackedPages);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HostState fromBytes(byte[] b) {
        HostState s = new HostState();
        if (b == null) {
            return s;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            s.tokensBytes = in.readDouble();
            s.lastRefillMs = in.readLong();
            s.lastEvalWindow = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.hotStreak.put(new PageRef(in.readInt(), in.readLong()), new Streak(in.readInt(), in.readLong()));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.recent.put(new PageRef(in.readInt(), in.readLong()), new RecentMove(in.readLong(), in.readByte()));
            }
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.counters.put(in.readUTF(), in.readLong());
            }
            if (in.available() >= Long.BYTES) {
                s.trackedPages = in.readLong(); // absent in state written before it existed
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
