package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HostStateCodecTest {

    private static HostState state(String counter) {
        HostState s = new HostState();
        s.tokensBytes = 1.5e9;
        s.lastRefillMs = 1_700_000_000_123L;
        s.lastEvalWindow = 1_700_000_000L;
        s.trackedPages = 32768;
        s.hotStreak.put(new HostState.PageRef(42, 0x7f00_0000_1000L), new HostState.Streak(3, 99));
        s.recent.put(new HostState.PageRef(7, 0x1000L), new HostState.RecentMove(98, -1));
        s.recent.put(new HostState.PageRef(8, 0x2000L), new HostState.RecentMove(97, 1));
        s.count(Counters.DECISIONS, 12);
        s.count(counter, 3);
        return s;
    }

    /** The layout as DataOutputStream wrote it before the direct encoding (changelogs hold such values). */
    private static byte[] streamEncoding(HostState s) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeDouble(s.tokensBytes);
        out.writeLong(s.lastRefillMs);
        out.writeLong(s.lastEvalWindow);
        out.writeInt(s.hotStreak.size());
        for (var e : s.hotStreak.entrySet()) {
            out.writeInt(e.getKey().pid());
            out.writeLong(e.getKey().vaddr());
            out.writeInt(e.getValue().count());
            out.writeLong(e.getValue().lastWindow());
        }
        out.writeInt(s.recent.size());
        for (var e : s.recent.entrySet()) {
            out.writeInt(e.getKey().pid());
            out.writeLong(e.getKey().vaddr());
            out.writeLong(e.getValue().window());
            out.writeByte(e.getValue().direction());
        }
        out.writeInt(s.counters.size());
        for (var e : s.counters.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeLong(s.trackedPages);
        return bos.toByteArray();
    }

    @Test
    void encodingKeepsTheStreamLayoutAndRoundTrips() throws IOException {
        for (HostState s : new HostState[] {state("pin.conflicts"), new HostState()}) {
            byte[] b = s.toBytes();
            assertArrayEquals(streamEncoding(s), b);
            HostState back = HostState.fromBytes(b);
            assertEquals(s.hotStreak, back.hotStreak);
            assertEquals(s.recent, back.recent);
            assertEquals(s.counters, back.counters);
            assertEquals(s.trackedPages, back.trackedPages);
            assertEquals(s.tokensBytes, back.tokensBytes);
            assertEquals(s.lastRefillMs, back.lastRefillMs);
            assertArrayEquals(b, back.toBytes());
        }
    }

    @Test
    void nonAsciiCounterNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> state("nicht-ascii-ü").toBytes());
    }

    @Test
    void stateWrittenBeforeTrackedPagesExistedStillReads() {
        byte[] b = state("x").toBytes();
        HostState old = HostState.fromBytes(Arrays.copyOf(b, b.length - Long.BYTES));
        assertEquals(-1, old.trackedPages);
        assertEquals(15, old.counter(Counters.DECISIONS) + old.counter("x"));
    }
}
