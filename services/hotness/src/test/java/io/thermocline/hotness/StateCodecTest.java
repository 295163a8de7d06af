package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Heat16;
import org.junit.jupiter.api.Test;

class StateCodecTest {

    @Test
    void heat16IsExactBelow2048MonotoneAndWithinOnePartIn2048() {
        long prev = -1;
        for (long v = 0; v < 5_000_000_000L; v = v < 4096 ? v + 1 : v + v / 37) {
            long d = Heat16.decode(Heat16.encode(v));
            if (v < 2048) {
                assertEquals(v, d);
            }
            assertTrue(d <= v && v - d <= Math.max(1, v / 2048), v + " -> " + d);
            assertTrue(d >= prev, "monotone at " + v);
            prev = d;
        }
        assertEquals(1, Heat16.bin(1));
        assertEquals(2, Heat16.bin(3));
        assertEquals(11, Heat16.bin(1500));
    }

    @Test
    void blockStateRoundTripsInSixBytesPerPage() {
        BlockState s = BlockState.empty(9);
        s.node(2);
        s.lastWindowEndMs(12_000);
        for (int off = 0; off < 512; off += 2) {
            int i = s.ensure(off, off % 7);
            s.addHeatAt(i, off * 100L);
        }
        s.addForward(3, 99_999, 11_500, 4);
        byte[] b = s.toBytes();
        assertEquals(BlockState.HEADER_BYTES + 256 * BlockState.PAGE_BYTES + BlockState.FORWARD_BYTES, b.length);
        BlockState r = BlockState.fromBytes(b);
        assertEquals(256, r.size());
        assertEquals(2, r.node());
        assertEquals(12_000, r.lastWindowEndMs());
        int i = r.indexOf(100);
        assertEquals(Heat16.decode(Heat16.encode(10_000)), r.heatAt(i));
        assertEquals(100 % 7, r.genAt(i));
        assertEquals(99_999, r.forwardNewPfn(r.forwardIndex(3)));
        r.decay(0.5);
        assertEquals(Heat16.decode(Heat16.encode(5_000)), r.heatAt(i));
    }
}
