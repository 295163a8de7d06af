package io.thermocline.emulator.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    static final WorkloadParams P = new WorkloadParams(10_000, 200_000, 20, 0.1, 0.9, 0.99, 5, 42);

    static int[] epoch(Workload w, int e) {
        int[] b = new int[w.epochAccesses(e)];
        w.fill(e, b, 0);
        return b;
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferentStream() throws IOException {
        for (String n : new String[] {"gups-hotset", "uniform", "zipf", "phase-shift"}) {
            int[] a = epoch(Workloads.create(n, P, 0), 0);
            int[] b = epoch(Workloads.create(n, P, 0), 0);
            int[] c = epoch(Workloads.create(n, P, 1), 0);
            assertArrayEquals(a, b, n);
            assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(c), n);
            for (int x : a) assertTrue(x >= 0 && x < 10_000, n + " page out of range: " + x);
        }
    }

    @Test
    void gupsSendsNinetyPercentToTheHotSet() {
        GupsHotset g = new GupsHotset(10_000, 0.1, 0.9, 200_000, 1);
        int start = g.hotStart(0);
        long inHot = 0;
        for (int x : epoch(g, 0)) if (x >= start && x < start + g.hotPages()) inHot++;
        double frac = inHot / 200_000.0;
        // 90% aimed at the hot set plus 10% uniform of which 1/10 lands in it
        assertEquals(0.91, frac, 0.01);
    }

    @Test
    void phaseShiftMovesTheHotSetEveryPeriod() {
        PhaseShift p = new PhaseShift(10_000, 0.1, 0.9, 1000, 5, 3);
        assertEquals(p.hotStart(0), p.hotStart(4));
        assertNotEquals(p.hotStart(4), p.hotStart(5));
    }

    @Test
    void zipfIsSkewedTowardsLowRanks() {
        Zipf z = new Zipf(10_000, 0.99, 200_000, 1);
        int[] counts = new int[10_000];
        for (int x : epoch(z, 0)) counts[x]++;
        int top = counts[z.pageOfRank(0)];
        int tenth = counts[z.pageOfRank(9)];
        // p(rank1)/p(rank10) = 10^0.99 ~ 9.8
        assertEquals(9.8, (double) top / tenth, 2.5);
        double h = 0;
        for (int k = 1; k <= 10_000; k++) h += Math.pow(k, -0.99);
        assertEquals(200_000 / h, top, 200_000 / h * 0.1);
    }

    @Test
    void unknownWorkloadIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Workloads.create("nope", P, 0));
        assertTrue(e.getMessage().contains("unknown workload 'nope'"));
        assertThrows(IOException.class, () -> Workloads.create("lackey:/no/such/file", P, 0));
    }
}
