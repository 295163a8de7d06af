package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Heat16;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
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

    @Test
    void blockStateBytesKeepTheVersion1Layout() {
        // stores and changelogs written by earlier versions must still decode: the layout is pinned here
        BlockState s = BlockState.empty(9);
        s.node(-1);
        s.lastWindowEndMs(1_795_000_000_123L);
        s.addHeatAt(s.ensure(511, 65_535), 3_000_000L);
        s.addHeatAt(s.ensure(7, 3), 5);
        s.addForward(9, 1L << 40, 1_795_000_000_000L, 12);
        ByteBuffer want = ByteBuffer.allocate(BlockState.HEADER_BYTES + 2 * BlockState.PAGE_BYTES
                + BlockState.FORWARD_BYTES);
        want.put((byte) 1).putInt(-1).putLong(1_795_000_000_123L).putShort((short) 9).putShort((short) 2)
                .putShort((short) 1);
        want.putShort((short) 7).putShort((short) Heat16.encode(5)).putShort((short) 3);
        want.putShort((short) 511).putShort((short) Heat16.encode(3_000_000L)).putShort((short) 65_535);
        want.putShort((short) 9).putLong(1L << 40).putLong(1_795_000_000_000L).putShort((short) 12);
        assertArrayEquals(want.array(), s.toBytes());
        assertArrayEquals(want.array(), BlockState.fromBytes(want.array()).toBytes());
        assertThrows(IllegalStateException.class, () -> BlockState.fromBytes(Arrays.copyOf(want.array(), 30)));
    }

    @Test
    void mergeInsertMatchesBinarySearchInsert() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 200; round++) {
            BlockState a = BlockState.empty(9);
            BlockState b = BlockState.empty(9);
            for (int k = 0; k < rnd.nextInt(300); k++) {
                int off = rnd.nextInt(512);
                a.addHeatAt(a.ensure(off, 1), 1);
                b.addHeatAt(b.ensure(off, 1), 1);
            }
            int[] window = rnd.ints(rnd.nextInt(512), 0, 512).distinct().sorted().toArray();
            for (int k = 0, i = 0; k < window.length; k++) {
                a.addHeatAt(a.ensure(window[k], 0), k + 1);
                i = b.ensureFrom(i, window[k], 0);
                b.addHeatAt(i, k + 1);
            }
            assertArrayEquals(a.toBytes(), b.toBytes());
        }
    }
}
