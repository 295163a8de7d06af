package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Linux NUMA balancing in memory-tiering mode ({@code kernel.numa_balancing = 2}, "NUMAB-2"), after
 * kernel/sched/fair.c and mm/memory.c (v6.x):
 * <ul>
 * <li>task_numa_work marks {@code numa_balancing_scan_size_mb} (256 MiB) of the address space PROT_NONE every
 * scan period; in tiering mode pages already on a top-tier node are skipped. The period adapts between
 * {@code scan_period_min_ms} (1000) and {@code scan_period_max_ms} (60000); we hold it at the minimum (the most
 * aggressive setting).</li>
 * <li>The next access to a PROT_NONE page is a hint fault. A slow-tier page is a promotion candidate when the
 * hint-fault latency (fault time - scan time) is below the hot threshold ({@code numa_balancing_hot_threshold_ms},
 * default 1000 ms), and the promotion rate limit ({@code numa_balancing_promote_rate_limit_MBps}, default
 * 65536 MB/s) has budget left in the current second.</li>
 * <li>The threshold is auto-tuned every scan_period_max: more candidates than the rate limit allows lowers it by
 * one step (2*threshold/16), fewer raises it, within [step, 2*threshold].</li>
 * <li>Promotion needs the fast node above its high watermark; otherwise it fails and kswapd is woken to demote
 * the least recently used fast pages down to WMARK_PROMO ({@link KernelReclaim}).</li>
 * </ul>
 */
public final class Numab2Policy implements PlacementPolicy {
    public static final String NAME = "numab2";
    public static final int SCAN_SIZE_MB = 256;
    public static final long SCAN_PERIOD_MIN_MS = 1000;
    public static final long SCAN_PERIOD_MAX_MS = 60_000;
    public static final long HOT_THRESHOLD_MS = 1000;
    public static final long PROMOTE_RATE_LIMIT_MBPS = 65_536;
    public static final int ADJUST_STEPS = 16;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final long refThresholdNs;
    private final long rateLimitPagesPerSec;
    private long thresholdNs;
    private long[] protNoneNs = new long[0];
    private int scanCursor;
    private double scanCredit;
    private final KernelReclaim reclaim = new KernelReclaim();
    private long rlWindowStartNs;
    private long rlCandidates;
    private long thWindowStartNs;
    private long thCandidates;
    private long lastCandidates;
    private long rateLimited;

    public Numab2Policy() {
        this(HOT_THRESHOLD_MS, PROMOTE_RATE_LIMIT_MBPS);
    }

    public Numab2Policy(long hotThresholdMs, long promoteRateLimitMBps) {
        this.refThresholdNs = hotThresholdMs * MS;
        this.thresholdNs = refThresholdNs;
        this.rateLimitPagesPerSec = promoteRateLimitMBps * 256; // 4 KiB pages per MB
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Current (auto-tuned) hot threshold. */
    public long thresholdNs() {
        return thresholdNs;
    }

    public long rateLimitedCandidates() {
        return rateLimited;
    }

    @Override
    public List<Decision> decide(EpochInput in) {
        MachineView v = in.view();
        if (protNoneNs.length != v.slotCount()) {
            int old = protNoneNs.length;
            protNoneNs = Arrays.copyOf(protNoneNs, v.slotCount());
            Arrays.fill(protNoneNs, old, protNoneNs.length, -1);
        }
        reclaim.age(in);
        List<Decision> out = new ArrayList<>();
        if (in.epoch() >= 0) hintFaults(in, v, out);
        scan(in, v);
        return out;
    }

    private void hintFaults(EpochInput in, MachineView v, List<Decision> out) {
        KernelTelemetry k = in.kernel();
        // collect faults on slow-tier pages as (fault time - window start) << 32 | slot, then sort = fault order
        long winStart = in.windowStartNs();
        long[] faults = new long[256];
        int nf = 0;
        for (int s = 0; s < protNoneNs.length; s++) {
            long t0 = protNoneNs[s];
            if (t0 < 0) continue;
            long pfn = v.pfnOfSlot(s);
            if (pfn < 0) {
                protNoneNs[s] = -1;
                continue;
            }
            if (!k.accessed(pfn)) continue;
            long tf = Math.max(k.firstAccessNs(pfn), t0);
            protNoneNs[s] = -1; // the fault restores the PTE
            if (v.isFast(v.nodeOfPfn(pfn))) continue;
            if (tf - t0 >= thresholdNs) continue;
            if (nf == faults.length) faults = Arrays.copyOf(faults, nf * 2);
            faults[nf++] = (Math.max(0, tf - winStart) << 32) | s;
        }
        Arrays.sort(faults, 0, nf);
        int[] cand = new int[nf];
        int nc = 0;
        for (int i = 0; i < nf; i++) {
            long tf = winStart + (faults[i] >>> 32);
            if (!rateLimitAllows(tf)) {
                rateLimited++;
                continue;
            }
            thCandidates++;
            cand[nc++] = (int) (faults[i] & 0xFFFF_FFFFL);
        }
        adjustThreshold(in.windowEndNs());
        promote(v, cand, nc, reclaim, out, -1);
    }

    /**
     * Promotes candidates to the fastest DRAM node. When it lacks room above its high watermark, kswapd (woken by
     * the failing promotions, running through the epoch) demotes as many least recently used pages as the
     * promotions need plus the promotion watermark; demotions are listed first so the room exists.
     */
    static void promote(MachineView v, int[] cand, int nc, KernelReclaim reclaim, List<Decision> out, int target) {
        if (nc == 0) return;
        int fastNode = target;
        for (int n : Tiers.cpuNodesByLatency(v)) {
            if (fastNode >= 0) break;
            if (v.isFast(n)) {
                fastNode = n;
                break;
            }
        }
        if (fastNode < 0) return;
        int room = Math.max(0, v.freePages(fastNode) - KernelReclaim.highWmark(v, fastNode));
        if (nc > room) room += reclaim.demote(v, fastNode, nc - room, out);
        for (int i = 0; i < Math.min(nc, room); i++) {
            int s = cand[i];
            EmuProcess p = v.processOfSlot(s);
            out.add(Decision.promote(p.pid(), v.vaOfSlot(s), v.pfnOfSlot(s), fastNode));
        }
    }

    private boolean rateLimitAllows(long nowNs) {
        if (nowNs - rlWindowStartNs > SECOND) {
            rlWindowStartNs = nowNs;
            rlCandidates = 0;
        }
        if (rlCandidates >= rateLimitPagesPerSec) return false;
        rlCandidates++;
        return true;
    }

    private void adjustThreshold(long nowNs) {
        long periodNs = SCAN_PERIOD_MAX_MS * MS;
        if (nowNs - thWindowStartNs < periodNs) return;
        long refCand = rateLimitPagesPerSec * SCAN_PERIOD_MAX_MS / 1000;
        long diff = thCandidates - lastCandidates;
        long unit = refThresholdNs * 2 / ADJUST_STEPS;
        if (diff > refCand * 11 / 10) {
            thresholdNs = Math.max(thresholdNs - unit, unit);
        } else if (diff < refCand * 9 / 10) {
            thresholdNs = Math.min(thresholdNs + unit, refThresholdNs * 2);
        }
        lastCandidates = thCandidates;
        thWindowStartNs = nowNs;
    }

    /** Marks the next stretch of slow-tier pages PROT_NONE at the current time (the scan for the coming epoch). */
    private void scan(EpochInput in, MachineView v) {
        long scanPagesPerPeriod = (long) SCAN_SIZE_MB * 256;
        scanCredit += (double) scanPagesPerPeriod * in.epochNs() / (SCAN_PERIOD_MIN_MS * MS);
        int budget = (int) Math.min(scanCredit, v.slotCount());
        scanCredit -= budget;
        int slots = v.slotCount();
        long now = in.windowEndNs();
        // the budget counts address space walked (as scan_size does), including skipped pages
        for (int i = 0; i < budget; i++) {
            int s = scanCursor;
            scanCursor = scanCursor + 1 == slots ? 0 : scanCursor + 1;
            long pfn = v.pfnOfSlot(s);
            if (pfn < 0 || v.isFast(v.nodeOfPfn(pfn)) || protNoneNs[s] >= 0) continue; // already PROT_NONE: skipped
            protNoneNs[s] = now;
        }
    }
}
