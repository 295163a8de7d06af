package io.thermocline.emulator.sample;

import io.thermocline.emulator.Machine;
import io.thermocline.emulator.TierKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Samplers on an emulated machine, run at the end of an epoch over that epoch's counters. Each returns
 * batches of one 2 MiB PFN block each, sorted by block.
 */
public final class Samplers {
    /** Default CHMU hot-list length per CXL node (the CXL 3.1 CHMU reports a device-sized hot list; 1024 here). */
    public static final int DEFAULT_CHMU_TOP_N = 1024;

    private Samplers() {
    }

    /** Runs the requested sources over the machine's current epoch counters. */
    public static List<SampleBatch> sample(Machine m, Set<SampleSource> sources, long epoch, long startNs, long endNs,
                                           int chmuTopN) {
        List<SampleBatch> out = new ArrayList<>();
        for (SampleSource s : sources) {
            switch (s) {
                case EMULATOR -> scan(m, epoch, startNs, endNs, true, out);
                case PAGE_IDLE -> scan(m, epoch, startNs, endNs, false, out);
                case PEBS -> pebs(m, epoch, startNs, endNs, out);
                case CHMU -> chmu(m, epoch, startNs, endNs, chmuTopN, out);
            }
        }
        return out;
    }

    /** Exact counts (EMULATOR) or accessed bits (PAGE_IDLE, count 1) of every frame touched in the epoch. */
    static void scan(Machine m, long epoch, long startNs, long endNs, boolean exact, List<SampleBatch> out) {
        SampleSource src = exact ? SampleSource.EMULATOR : SampleSource.PAGE_IDLE;
        for (int node = 0; node < m.nodeCount(); node++) {
            long base = m.nodeBasePfn(node);
            int cap = m.node(node).capacityPages();
            long[] pf = new long[Machine.FOLIO_PAGES];
            int[] cn = new int[Machine.FOLIO_PAGES];
            int k = 0;
            long block = -1;
            for (long pfn = base; pfn < base + cap; pfn++) {
                int c = m.epochCount(pfn);
                if (c == 0) continue;
                long b = pfn >> SampleBatch.BLOCK_SHIFT;
                if (b != block) {
                    if (k > 0) out.add(batch(m, src, node, block, epoch, startNs, endNs, 1, pf, cn, k));
                    block = b;
                    k = 0;
                }
                pf[k] = pfn;
                cn[k++] = exact ? c : 1;
            }
            if (k > 0) out.add(batch(m, src, node, block, epoch, startNs, endNs, 1, pf, cn, k));
        }
    }

    /** PEBS-like: the machine recorded one access in N during the epoch; aggregate per frame. */
    static void pebs(Machine m, long epoch, long startNs, long endNs, List<SampleBatch> out) {
        int n = m.pebsCount();
        if (n == 0) return;
        int[] pf = Arrays.copyOf(m.pebsBuffer(), n);
        Arrays.sort(pf);
        emitSorted(m, SampleSource.PEBS, pf, null, epoch, startNs, endNs, m.pebsPeriod(), out);
    }

    /** CHMU-like: per CXL node, the top-N frames by access count in the epoch (ties: lower pfn first). */
    static void chmu(Machine m, long epoch, long startNs, long endNs, int topN, List<SampleBatch> out) {
        for (int node = 0; node < m.nodeCount(); node++) {
            if (m.node(node).kind() != TierKind.CXL) continue;
            long base = m.nodeBasePfn(node);
            int cap = m.node(node).capacityPages();
            // (count << 32 | ~offset) keys: sort descending by count, ascending by pfn
            long[] keys = new long[cap];
            int k = 0;
            for (int off = 0; off < cap; off++) {
                int c = m.epochCount(base + off);
                if (c > 0) keys[k++] = ((long) c << 32) | (~off & 0xFFFF_FFFFL);
            }
            Arrays.sort(keys, 0, k);
            int take = Math.min(topN, k);
            int[] pf = new int[take];
            int[] cnt = new int[take];
            for (int i = 0; i < take; i++) {
                long key = keys[k - 1 - i];
                pf[i] = (int) (base + (~key & 0xFFFF_FFFFL));
                cnt[i] = (int) (key >>> 32);
            }
            // sort by pfn keeping counts aligned
            long[] pairs = new long[take];
            for (int i = 0; i < take; i++) pairs[i] = ((long) pf[i] << 32) | cnt[i];
            Arrays.sort(pairs);
            for (int i = 0; i < take; i++) {
                pf[i] = (int) (pairs[i] >>> 32);
                cnt[i] = (int) pairs[i];
            }
            emitSorted(m, SampleSource.CHMU, pf, cnt, epoch, startNs, endNs, 1, out);
        }
    }

    /** Groups sorted pfns (with optional counts; null = count duplicates) into per-block batches. */
    private static void emitSorted(Machine m, SampleSource src, int[] pfns, int[] counts, long epoch, long startNs,
                                   long endNs, int rate, List<SampleBatch> out) {
        long[] pf = new long[Machine.FOLIO_PAGES];
        int[] cn = new int[Machine.FOLIO_PAGES];
        int k = 0;
        long block = -1;
        int i = 0;
        while (i < pfns.length) {
            int p = pfns[i];
            int c;
            if (counts == null) {
                int j = i;
                while (j < pfns.length && pfns[j] == p) j++;
                c = j - i;
                i = j;
            } else {
                c = counts[i++];
            }
            long b = (long) p >> SampleBatch.BLOCK_SHIFT;
            if (b != block) {
                if (k > 0) out.add(batch(m, src, m.nodeOfPfn(pf[0]), block, epoch, startNs, endNs, rate, pf, cn, k));
                block = b;
                k = 0;
            }
            pf[k] = p;
            cn[k++] = c;
        }
        if (k > 0) out.add(batch(m, src, m.nodeOfPfn(pf[0]), block, epoch, startNs, endNs, rate, pf, cn, k));
    }

    private static SampleBatch batch(Machine m, SampleSource src, int node, long block, long epoch, long startNs,
                                     long endNs, int rate, long[] pf, int[] cn, int k) {
        return new SampleBatch(m.host(), src, node, block, SampleBatch.BLOCK_SHIFT, startNs, endNs, epoch, rate,
                Arrays.copyOf(pf, k), Arrays.copyOf(cn, k));
    }
}
