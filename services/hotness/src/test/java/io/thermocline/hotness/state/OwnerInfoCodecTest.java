package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnerInfoCodecTest {

    @Test
    void directEncodingIsByteForByteTheStreamEncodingAndRoundTrips() {
        for (OwnerInfo o : List.of(
                new OwnerInfo(7, 4242, 0x7f00_0000_1000L, 9, true, 1, "/sys/fs/cgroup/db", "postgres"),
                new OwnerInfo(-1, 1, 0, 0, false, -1, null, null),
                new OwnerInfo(3, 2, 0x1000, 0, false, 0, "", "x"),
                new OwnerInfo(3, 2, 0x1000, 0, false, 0, "/cgroup/ü", "naïve"),
                new OwnerInfo(3, 2, 0x1000, 0, false, 0, "nul\0inside", "€"))) {
            assertArrayEquals(o.toBytesViaStream(), o.toBytes(), o.toString());
            assertEquals(o, OwnerInfo.fromBytes(o.toBytes()));
        }
    }

    @Test
    void aTruncatedValueSaysSo() {
        byte[] b = new OwnerInfo(7, 4242, 0x1000, 0, false, 1, "/db", "postgres").toBytes();
        for (int cut : new int[] {5, b.length - 3}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OwnerInfo.fromBytes(Arrays.copyOf(b, cut)));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("past the end"), e.getMessage());
        }
    }
}
