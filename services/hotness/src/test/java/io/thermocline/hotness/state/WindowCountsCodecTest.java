package io.thermocline.hotness.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.hotness.ingest.PackedAccesses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowCountsCodecTest {

    private static final long BASE = 0x1000L << 9;

    private static PageAccessBatch inBlock(long[] pfns, int[] counts, int rate) {
        PageAccessBatch b = batch(pfns, counts, false, rate);
        int[] offsets = new int[pfns.length];
        for (int i = 0; i < pfns.length; i++) {
            offsets[i] = (int) (pfns[i] - BASE);
        }
        b.setEntries(PackedAccesses.inBlock(BASE, offsets, counts.clone(), pfns.length));
        return b;
    }

    private static PageAccessBatch batch(long[] pfns, int[] counts, boolean packed, int rate) {
        PageAccessBatch b = new PageAccessBatch();
        b.setBlockShift(9);
        b.setNode(1);
        b.setEpoch(7);
        b.setSampleRate(rate);
        if (packed) {
            b.setEntries(new PackedAccesses(pfns, counts, pfns.length));
        } else {
            List<PageAccess> list = new ArrayList<>();
            for (int i = 0; i < pfns.length; i++) {
                list.add(new PageAccess(pfns[i], counts[i]));
            }
            b.setEntries(list);
        }
        return b;
    }

    @Test
    void packedBatchesInAnyOrderCountAsTheDensePassDoes() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(600);
            long[] pfns = new long[n];
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                pfns[i] = BASE + rnd.nextInt(512);
                counts[i] = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(100);
            }
            if (round % 2 == 0) {
                long[] sorted = Arrays.stream(pfns).distinct().sorted().toArray();
                pfns = sorted;
                counts = Arrays.copyOf(counts, sorted.length);
            }
            int rate = round % 7 == 0 ? 3 : 1;
            WindowCounts packed = WindowCounts.empty().add(batch(pfns, counts, true, rate));
            WindowCounts objects = WindowCounts.empty().add(batch(pfns, counts, false, rate));
            WindowCounts offsets = WindowCounts.empty().add(inBlock(pfns, counts, rate));
            assertArrayEquals(objects.toBytes(), packed.toBytes(), "round " + round);
            assertArrayEquals(objects.toBytes(), offsets.toBytes(), "round " + round + ", offsets in block");
            // a second batch of the window adds to the first
            packed.add(batch(pfns, counts, true, rate));
            objects.add(batch(pfns, counts, false, rate));
            offsets.add(inBlock(pfns, counts, rate));
            assertArrayEquals(objects.toBytes(), packed.toBytes(), "round " + round + ", second batch");
            assertArrayEquals(objects.toBytes(), offsets.toBytes(), "round " + round + ", second batch, offsets");
        }
    }

    @Test
    void roundTripsInAboutTwoBytesPerPageAndReadsVersion1() {
        long[] pfns = new long[512];
        int[] counts = new int[512];
        for (int i = 0; i < 512; i++) {
            pfns[i] = BASE + i;
            counts[i] = 1 + i % 64;
        }
        WindowCounts w = WindowCounts.empty().add(batch(pfns, counts, true, 1));
        byte[] v2 = w.toBytes();
        assertTrue(v2.length <= 19 + 512 * 2, v2.length + " bytes");
        for (byte[] bytes : List.of(v2, w.toBytesV1())) {
            WindowCounts r = WindowCounts.fromBytes(bytes);
            assertEquals(512, r.size());
            assertEquals(1, r.node());
            assertEquals(7, r.epoch());
            assertEquals(9, r.shift());
            assertEquals(511, r.offsetAt(511));
            assertEquals(1 + 511 % 64, r.countAt(511));
            assertArrayEquals(v2, r.toBytes());
        }
        assertEquals(v2.length, WindowCounts.fromBytes(v2).toBytes().length);
        for (int len = 0; len < v2.length; len++) {
            byte[] cut = Arrays.copyOf(v2, len);
            assertThrows(IllegalStateException.class, () -> WindowCounts.fromBytes(cut), "length " + len);
        }
        byte[] trailing = Arrays.copyOf(v2, v2.length + 1);
        assertThrows(IllegalStateException.class, () -> WindowCounts.fromBytes(trailing));
    }
}
