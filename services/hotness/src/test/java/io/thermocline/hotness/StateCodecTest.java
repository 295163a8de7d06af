package io.thermocline.hotness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.state.BlockState;
import io.thermocline.hotness.state.Heat16;
import io.thermocline.hotness.state.WindowCounts;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
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
            assertEquals(d, Heat16.quantize(v), "quantize at " + v);
            prev = d;
        }
        for (long v : new long[] {-5, 0, Heat16.MAX_VALUE - 1, Heat16.MAX_VALUE, Heat16.MAX_VALUE + 1, Long.MAX_VALUE}) {
            assertEquals(Heat16.decode(Heat16.encode(v)), Heat16.quantize(v), "quantize at " + v);
        }
        assertEquals(1, Heat16.bin(1));
        assertEquals(2, Heat16.bin(3));
        assertEquals(11, Heat16.bin(1500));
    }

    @Test
    void blockStateRoundTripsInAboutThreeBytesPerPage() {
        BlockState s = BlockState.empty(9);
        s.node(2);
        s.lastWindowEndMs(12_000);
        for (int off = 0; off < 512; off += 2) {
            int i = s.ensure(off, off % 7);
            s.addHeatAt(i, off * 100L);
        }
        s.addForward(3, 99_999, 11_500, 4);
        byte[] b = s.toBytes();
        // per page: offset gap (1 byte), heat code (2 bytes above 127), generation (1 byte)
        assertTrue(b.length <= BlockState.HEADER_BYTES_V2 + 256 * 4 + BlockState.FORWARD_BYTES, b.length + " bytes");
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
    void blockStateVersion1ValuesStillDecode() {
        // stores and changelogs written by earlier releases hold version 1: the layout is pinned here
        ByteBuffer v1 = ByteBuffer.allocate(BlockState.HEADER_BYTES + 2 * BlockState.PAGE_BYTES
                + BlockState.FORWARD_BYTES);
        v1.put((byte) 1).putInt(-1).putLong(1_795_000_000_123L).putShort((short) 9).putShort((short) 2)
                .putShort((short) 1);
        v1.putShort((short) 7).putShort((short) Heat16.encode(5)).putShort((short) 3);
        v1.putShort((short) 511).putShort((short) Heat16.encode(3_000_000L)).putShort((short) 65_535);
        v1.putShort((short) 9).putLong(1L << 40).putLong(1_795_000_000_000L).putShort((short) 12);
        BlockState r = BlockState.fromBytes(v1.array());
        assertEquals(2, r.size());
        assertEquals(-1, r.node());
        assertEquals(1_795_000_000_123L, r.lastWindowEndMs());
        assertEquals(5, r.heatAt(r.indexOf(7)));
        assertEquals(3, r.genAt(r.indexOf(7)));
        assertEquals(Heat16.quantize(3_000_000L), r.heatAt(r.indexOf(511)));
        assertEquals(65_535, r.genAt(r.indexOf(511)));
        assertEquals(1L << 40, r.forwardNewPfn(r.forwardIndex(9)));
        assertEquals(12, r.forwardOldGen(r.forwardIndex(9)));
        assertThrows(IllegalStateException.class, () -> BlockState.fromBytes(Arrays.copyOf(v1.array(), 30)));
    }

    @Test
    void blockStateVersion2LayoutIsPinned() {
        BlockState s = BlockState.empty(9);
        s.node(1);
        s.lastWindowEndMs(1_795_000_000_123L);
        s.addHeatAt(s.ensure(511, 65_535), 3_000_000L);
        s.addHeatAt(s.ensure(7, 3), 5);
        s.addForward(9, 1L << 40, 1_795_000_000_000L, 12);
        int code = Heat16.encode(3_000_000L); // needs 3 varint bytes
        ByteBuffer want = ByteBuffer.allocate(BlockState.HEADER_BYTES_V2 + 3 + 3 + 3 + 3 + BlockState.FORWARD_BYTES);
        want.put((byte) 2).putInt(1).putLong(1_795_000_000_123L).putShort((short) 9).putInt(2).putShort((short) 1);
        want.put((byte) 7).put((byte) 5).put((byte) 3); // offset 7 (gap from -1: 7), heat 5, gen 3
        putVarint(want, 511 - 7 - 1); // offset 511: gap 503, two bytes
        putVarint(want, code);
        putVarint(want, 65_535);
        want.putShort((short) 9).putLong(1L << 40).putLong(1_795_000_000_000L).putShort((short) 12);
        byte[] expected = Arrays.copyOf(want.array(), want.position());
        assertArrayEquals(expected, s.toBytes());
        BlockState r = BlockState.fromBytes(expected);
        assertArrayEquals(expected, r.toBytes());
        assertEquals(Heat16.quantize(3_000_000L), r.heatAt(r.indexOf(511)));
        // truncated, or a page count the bytes cannot hold
        for (int len = 1; len < expected.length; len++) {
            byte[] cut = Arrays.copyOf(expected, len);
            assertThrows(IllegalStateException.class, () -> BlockState.fromBytes(cut), "length " + len);
        }
        byte[] tooMany = expected.clone();
        ByteBuffer.wrap(tooMany).putInt(15, 3);
        assertThrows(IllegalStateException.class, () -> BlockState.fromBytes(tooMany));
    }

    private static void putVarint(ByteBuffer b, int v) {
        while ((v & ~0x7F) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    @Test
    void decayIsStoredHeatTimesFactorRoundedDownForAnyFactor() {
        SplittableRandom rnd = new SplittableRandom(23);
        double[] factors = {1.0, 0.5, 0.25, Math.pow(0.5, 7), Math.pow(0.5, 62), Math.pow(0.5, 64), Math.pow(0.5, 1100),
                0.0, 0.7, 0.9, 0.3333};
        for (double f : factors) {
            for (int k = 0; k < 2000; k++) {
                long heat = Heat16.quantize(k < 1000 ? rnd.nextLong(4096) : rnd.nextLong(Heat16.MAX_VALUE));
                BlockState s = BlockState.empty(9);
                s.setHeatAt(s.ensure(1, 0), heat);
                s.decay(f);
                long want = f >= 1.0 ? heat : Heat16.quantize((long) (heat * f));
                assertEquals(want, s.heatAt(0), heat + " * " + f);
            }
        }
    }

    @Test
    void decayAndAddMatchesDecayThenAddPerPage() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 500; round++) {
            BlockState a = BlockState.empty(9);
            BlockState b = BlockState.empty(9);
            for (int k = 0; k < rnd.nextInt(300); k++) {
                int off = rnd.nextInt(512);
                long heat = rnd.nextInt(4) == 0 ? rnd.nextLong(1L << 40) : rnd.nextInt(5000);
                int gen = rnd.nextInt(70_000);
                a.addHeatAt(a.ensure(off, gen), heat);
                b.addHeatAt(b.ensure(off, gen), heat);
            }
            // a window over pages a has (every third round: only those) and others
            int[] offs = round % 3 == 0
                    ? IntStream.range(0, a.size()).filter(i -> rnd.nextBoolean()).map(a::offsetAt).toArray()
                    : rnd.ints(rnd.nextInt(512), 0, 512).distinct().sorted().toArray();
            PageAccessBatch batch = new PageAccessBatch();
            batch.setBlockShift(9);
            batch.setNode(-1);
            batch.setEpoch(1);
            batch.setSampleRate(round % 5 == 0 ? 1_000_000 : 1);
            List<PageAccess> entries = new ArrayList<>();
            for (int off : offs) {
                entries.add(new PageAccess(0x1000L * 512 + off, 1 + rnd.nextInt(64)));
            }
            batch.setEntries(entries);
            WindowCounts counts = WindowCounts.empty().add(batch);
            double factor = round % 4 == 0 ? 1.0 : round % 4 == 1 ? 0.8 : Math.pow(0.5, 1 + rnd.nextInt(3));
            a.decay(factor);
            for (int k = 0, i = 0; k < counts.size(); k++) {
                i = a.ensureFrom(i, counts.offsetAt(k), 0);
                a.addHeatAt(i, counts.countAt(k));
            }
            b.decayAndAdd(factor, counts);
            assertArrayEquals(a.toBytes(), b.toBytes(), "round " + round);
        }
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
