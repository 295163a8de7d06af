package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlockSummaryCodecTest {

    private static BlockSummary summary(String host, String cgroup, String comm) {
        long[] hist = new long[BlockSummary.BINS];
        hist[0] = 3;
        hist[7] = 500;
        hist[40] = 9;
        Candidate a = new Candidate(0x1000_0001L, 3, 812, 4242, 0x7f00_0000_1000L, 0, cgroup, comm);
        Candidate b = new Candidate(0x1000_01ffL, 0, 1, 7, 0x7f00_0000_9000L, 9, null, null);
        return new BlockSummary(host, 0x80000L, 1, 1_700_000_000_000L, 42, hist, List.of(a, b), List.of(b), List.of());
    }

    @Test
    void directEncodingIsByteForByteTheStreamEncoding() {
        for (BlockSummary s : List.of(summary("host-a", "/sys/fs/cgroup/db", "postgres"), summary("h", null, ""),
                summary("hôte-é", "/cgroup/ü", "naïve"), summary("nul\0host", "c", "d"))) {
            assertArrayEquals(s.toBytesViaStream(), s.toBytes(), s.host());
            BlockSummary back = BlockSummary.fromBytes(s.toBytes());
            assertEquals(s.host(), back.host());
            assertEquals(s.hot(), back.hot());
            assertEquals(s.cold(), back.cold());
            assertArrayEquals(s.histogram(), back.histogram());
            assertEquals(s.windowEndMs(), back.windowEndMs());
        }
    }

    @Test
    void emptySummaryRoundTrips() {
        BlockSummary s = new BlockSummary("x", 0, -1, 0, -1, new long[BlockSummary.BINS], List.of(), List.of(),
                List.of());
        assertArrayEquals(s.toBytesViaStream(), s.toBytes());
        assertEquals(0, BlockSummary.fromBytes(s.toBytes()).pageCount());
    }
}
