package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void directEncodingIsByteForByteTheStreamEncodingAndRoundTrips() {
        for (HostState s : new HostState[] {state("pin.conflicts"), state("nicht-ascii-ü"), new HostState()}) {
            byte[] b = s.toBytes();
            assertArrayEquals(s.toBytesViaStream(), b);
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
    void stateWrittenBeforeTrackedPagesExistedStillReads() {
        byte[] b = state("x").toBytes();
        HostState old = HostState.fromBytes(Arrays.copyOf(b, b.length - Long.BYTES));
        assertEquals(-1, old.trackedPages);
        assertEquals(15, old.counter(Counters.DECISIONS) + old.counter("x"));
    }
}
