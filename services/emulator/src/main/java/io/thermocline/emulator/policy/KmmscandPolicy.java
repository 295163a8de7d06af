package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * kmmscand, after the RFC series "kmmscand: Migration of hot pages based on PTE accessed-bit scanning"
 * (Raghavendra K T, AMD, 2024-2025): a kernel thread walks each mm's page tables every scan period
 * (default 2 s, adaptive 400 ms..5 s; held at the default here), covering up to the scan size (default 4 GiB)
 * per pass. A page whose accessed bit is found set again after the previous pass cleared it (i.e. accessed on the
 * second look) goes on the migration list; kmmmigrated (20 ms sleep) promotes the list to the target node,
 * which in the RFC v1 is always node 0 (the target-node heuristic is an open item). There is no rate limit;
 * room in node 0 comes from reclaim-based demotion ({@link KernelReclaim}).
 */
public final class KmmscandPolicy implements PlacementPolicy {
    public static final String NAME = "kmmscand";
    public static final long SCAN_PERIOD_MS = 2000;
    public static final long SCAN_SIZE_BYTES = 4L << 30;
    public static final int TARGET_NODE = 0;
    private static final long MS = 1_000_000L;

    private boolean[] accessedSinceScan = new boolean[0];
    private boolean[] scannedOnce = new boolean[0];
    private long nextScanNs;
    private int cursor;
    private final KernelReclaim reclaim = new KernelReclaim();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Decision> decide(EpochInput in) {
        MachineView v = in.view();
        int slots = v.slotCount();
        if (accessedSinceScan.length != slots) {
            accessedSinceScan = Arrays.copyOf(accessedSinceScan, slots);
            scannedOnce = Arrays.copyOf(scannedOnce, slots);
        }
        reclaim.age(in);
        if (in.epoch() >= 0) {
            for (int s = 0; s < slots; s++) {
                long pfn = v.pfnOfSlot(s);
                if (pfn >= 0 && in.kernel().accessed(pfn)) accessedSinceScan[s] = true;
            }
        }
        long now = in.windowEndNs();
        if (now < nextScanNs) return List.of();
        nextScanNs = now + SCAN_PERIOD_MS * MS;
        List<Integer> hot = new ArrayList<>();
        long budget = Math.min(slots, SCAN_SIZE_BYTES >> 12);
        for (long i = 0; i < budget; i++) {
            int s = cursor;
            cursor = cursor + 1 == slots ? 0 : cursor + 1;
            long pfn = v.pfnOfSlot(s);
            if (pfn < 0) continue;
            if (accessedSinceScan[s] && scannedOnce[s] && v.nodeOfPfn(pfn) != TARGET_NODE) hot.add(s);
            accessedSinceScan[s] = false; // test-and-clear young
            scannedOnce[s] = true;
        }
        List<Decision> out = new ArrayList<>();
        int[] cand = new int[hot.size()];
        for (int i = 0; i < cand.length; i++) cand[i] = hot.get(i);
        Numab2Policy.promote(v, cand, cand.length, reclaim, out, TARGET_NODE);
        return out;
    }
}
