package io.thermocline.hotness.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
        // the layout DataOutputStream wrote before (names as writeUTF): counter names are ASCII constants
        int size = 8 + 8 + 8 + 4 + hotStreak.size() * (4 + 8 + 4 + 8) + 4 + recent.size() * (4 + 8 + 8 + 1) + 4 + 8;
        for (String name : counters.keySet()) {
            int n = Codec.asciiUtfSize(name);
            if (n < 0) {
                throw new IllegalArgumentException("counter name must be ASCII: " + name);
            }
            size += n + 8;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putDouble(tokensBytes).putLong(lastRefillMs).putLong(lastEvalWindow);
        b.putInt(hotStreak.size());
        for (var e : hotStreak.entrySet()) {
            b.putInt(e.getKey().pid()).putLong(e.getKey().vaddr()).putInt(e.getValue().count())
                    .putLong(e.getValue().lastWindow());
        }
        b.putInt(recent.size());
        for (var e : recent.entrySet()) {
            b.putInt(e.getKey().pid()).putLong(e.getKey().vaddr()).putLong(e.getValue().window())
                    .put((byte) e.getValue().direction());
        }
        b.putInt(counters.size());
        for (var e : counters.entrySet()) {
            Codec.putAscii(b, e.getKey());
            b.putLong(e.getValue());
        }
        b.putLong(trackedPages);
        return b.array();
    }

    public static HostState fromBytes(byte[] b) {
        HostState s = new HostState();
        if (b == null) {
            return s;
        }
        try {
            return fromBuffer(ByteBuffer.wrap(b));
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("host state value of " + b.length + " bytes is truncated", e);
        }
    }

    private static HostState fromBuffer(ByteBuffer in) {
        HostState s = new HostState();
        s.tokensBytes = in.getDouble();
        s.lastRefillMs = in.getLong();
        s.lastEvalWindow = in.getLong();
        int n = in.getInt();
        for (int i = 0; i < n; i++) {
            s.hotStreak.put(new PageRef(in.getInt(), in.getLong()), new Streak(in.getInt(), in.getLong()));
        }
        n = in.getInt();
        for (int i = 0; i < n; i++) {
            s.recent.put(new PageRef(in.getInt(), in.getLong()), new RecentMove(in.getLong(), in.get()));
        }
        n = in.getInt();
        for (int i = 0; i < n; i++) {
            int len = Short.toUnsignedInt(in.getShort());
            char[] name = new char[len];
            for (int k = 0; k < len; k++) {
                byte c = in.get();
                if (c <= 0) {
                    throw new IllegalStateException("host state counter name is not ASCII");
                }
                name[k] = (char) c;
            }
            s.counters.put(new String(name), in.getLong());
        }
        if (in.remaining() >= Long.BYTES) {
            s.trackedPages = in.getLong(); // absent in state written before it existed
        }
        return s;
    }
}
