package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import java.util.Arrays;
import java.util.List;

/**
 * Reclaim-based demotion (kswapd with {@code /sys/kernel/mm/numa/demotion_enabled}), which the NUMA-balancing
 * and kmmscand baselines rely on to make room in the fast tier. Page age is tracked like an LRU driven by
 * accessed bits: the epoch a page was last seen accessed; kswapd demotes the least recently accessed fast pages
 * to the next tier until the node is back above its promotion watermark.
 *
 * <p>Watermarks: Linux's high watermark is min + watermark_scale_factor (default 10 = 0.1% of the node) above
 * min; WMARK_PROMO adds another such step. We use high = 0.2% and promo = 0.3% of the node (at least one page).
 */
final class KernelReclaim {
    static final double HIGH_WMARK_FRACTION = 0.002;
    static final double PROMO_WMARK_FRACTION = 0.003;

    private int[] lastSeen = new int[0];

    /** Records accessed bits of the epoch that just ended. */
    void age(EpochInput in) {
        MachineView v = in.view();
        if (lastSeen.length != v.slotCount()) {
            lastSeen = Arrays.copyOf(lastSeen, v.slotCount());
        }
        if (in.epoch() < 0) return;
        int e = (int) in.epoch() + 1; // 0 = never seen
        for (int s = 0; s < lastSeen.length; s++) {
            long pfn = v.pfnOfSlot(s);
            if (pfn >= 0 && in.kernel().accessed(pfn)) lastSeen[s] = e;
        }
    }

    static int highWmark(MachineView v, int node) {
        return Math.max(1, (int) Math.ceil(v.node(node).capacityPages() * HIGH_WMARK_FRACTION));
    }

    static int promoWmark(MachineView v, int node) {
        return Math.max(2, (int) Math.ceil(v.node(node).capacityPages() * PROMO_WMARK_FRACTION));
    }

    /**
     * Demotes from {@code node} the {@code extra} least recently accessed pages plus whatever is needed to reach
     * the promotion watermark. Appends DEMOTE_COLD decisions; returns how many of them go beyond the watermark
     * top-up (room for {@code extra} promotions).
     */
    int demote(MachineView v, int node, int extra, List<Decision> out) {
        int topUp = Math.max(0, promoWmark(v, node) - v.freePages(node));
        int need = extra + topUp;
        if (need <= 0) return 0;
        int target = Tiers.demotionTarget(v, node);
        if (target < 0) return 0;
        need = Math.min(need, v.freePages(target));
        long base = v.nodeBasePfn(node);
        int cap = v.node(node).capacityPages();
        long[] keys = new long[cap];
        int k = 0;
        for (int off = 0; off < cap; off++) {
            int s = v.slotOfPfn(base + off);
            if (s >= 0) keys[k++] = ((long) lastSeen[s] << 32) | s;
        }
        Arrays.sort(keys, 0, k);
        int n = Math.min(need, k);
        for (int i = 0; i < n; i++) {
            int s = (int) (keys[i] & 0xFFFF_FFFFL);
            EmuProcess p = v.processOfSlot(s);
            out.add(Decision.demote(p.pid(), v.vaOfSlot(s), v.pfnOfSlot(s), target));
        }
        return Math.max(0, n - topUp);
    }
}
