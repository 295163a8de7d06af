package io.thermocline.emulator.policy;

import io.thermocline.emulator.EmuProcess;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DAMON-based tiering, modelled on the kernel's sample module {@code samples/damon/mtier.c} and the matching
 * {@code damo} setup: one physical-address (paddr) DAMON context per node.
 * <ul>
 * <li>Monitoring: sampling interval 5 ms, aggregation interval 100 ms, 10..1000 adaptive regions. Each sampling
 * interval DAMON checks the accessed bit of one random page per region; we draw that bit with the probability
 * that the page was accessed within a 5 ms window given its accesses in the epoch (Poisson arrivals).
 * After each aggregation adjacent regions whose access counts differ by at most 10% of the maximum are merged
 * (region age kept, or reset when the count changed by more than that), then every region is split in two at
 * a random 10-90% point while there are fewer than max/2 regions.</li>
 * <li>Schemes, applied every 1 s: on the fast node {@code migrate_cold} to the next tier for regions with a 0%
 * access rate, oldest first, skipping young pages (filter "reject young"); on each slow node
 * {@code migrate_hot} to the fast node for regions with an access rate of at least 5%, hottest first.</li>
 * <li>Quotas: 200 MiB per 1 s reset interval per scheme ({@code damon}, the setup of the DAMOS_MIGRATE_HOT/COLD
 * series). The {@code damon-mtier} variant adds mtier.c's DAMOS quota goals (migrate_hot: node 0
 * {@code node_mem_used_bp} = 99.7%; migrate_cold: node 0 {@code node_mem_free_bp} = 0.5%) with the kernel's
 * feedback loop ({@code damon_feed_loop_next_input}: the effective size grows or shrinks by the relative distance
 * to the goal each reset interval, starting from 1 byte).</li>
 * </ul>
 */
public final class DamonPolicy implements PlacementPolicy {
    public static final String NAME = "damon";
    public static final String NAME_MTIER = "damon-mtier";
    public static final long SAMPLE_INTERVAL_MS = 5;
    public static final long AGGR_INTERVAL_MS = 100;
    public static final int MIN_NR_REGIONS = 10;
    public static final int MAX_NR_REGIONS = 1000;
    public static final long APPLY_INTERVAL_MS = 1000;
    public static final long QUOTA_BYTES = 200L << 20;
    public static final long QUOTA_RESET_MS = 1000;
    public static final int HOT_MIN_ACCESS_RATE_PCT = 5;
    public static final long NODE0_USED_GOAL_BP = 9970;
    public static final long NODE0_FREE_GOAL_BP = 50;
    private static final long MS = 1_000_000L;
    private static final long FEED_GOAL = 10_000;
    private static final long FEED_MIN_INPUT = 10_000;

    private final List<Ctx> ctxs = new ArrayList<>();
    private final String name;
    private final boolean quotaGoals;
    private long seed;
    private long lastApplyNs = -1;

    private static final class Region {
        int start;
        int end; // exclusive, offsets within the node
        int nr;
        int lastNr;
        int age;

        Region(int start, int end) {
            this.start = start;
            this.end = end;
        }

        int size() {
            return end - start;
        }
    }

    private static final class Ctx {
        final int node;
        final boolean promote;
        final SplittableRandom rnd;
        List<Region> regions = new ArrayList<>();
        long eszBp;
        long quotaWindowStartNs = -1;
        long chargedPages;

        Ctx(int node, boolean promote, SplittableRandom rnd) {
            this.node = node;
            this.promote = promote;
            this.rnd = rnd;
        }
    }

    /** Plain 200 MiB/s quotas. */
    public DamonPolicy() {
        this(NAME, false);
    }

    /** @param quotaGoals use mtier.c's node-utilisation quota goals (auto-tuned effective quota) */
    public DamonPolicy(String name, boolean quotaGoals) {
        this.name = name;
        this.quotaGoals = quotaGoals;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(PolicyContext ctx) {
        this.seed = ctx.seed();
    }

    private void setUp(MachineView v) {
        for (int n = 0; n < v.nodeCount(); n++) {
            if (!v.node(n).kind().cpuAccessible() || v.node(n).capacityPages() == 0) continue;
            Ctx c = new Ctx(n, !v.isFast(n), new SplittableRandom(seed * 31 + n));
            int cap = v.node(n).capacityPages();
            int parts = Math.min(MIN_NR_REGIONS, cap);
            for (int i = 0; i < parts; i++) {
                c.regions.add(new Region((int) ((long) cap * i / parts), (int) ((long) cap * (i + 1) / parts)));
            }
            ctxs.add(c);
        }
    }

    @Override
    public List<Decision> decide(EpochInput in) {
        MachineView v = in.view();
        if (ctxs.isEmpty()) setUp(v);
        if (in.epoch() < 0) return List.of();
        long epochNs = in.epochNs();
        long aggrNs = AGGR_INTERVAL_MS * MS;
        int nAggr = (int) Math.max(1, Math.round((double) epochNs / aggrNs));
        int samples = (int) Math.max(1, Math.round((double) Math.min(epochNs, aggrNs) / (SAMPLE_INTERVAL_MS * MS)));
        double windowFraction = (double) (SAMPLE_INTERVAL_MS * MS) / epochNs;
        List<Decision> out = new ArrayList<>();
        boolean apply = lastApplyNs < 0 || in.windowEndNs() - lastApplyNs >= APPLY_INTERVAL_MS * MS;
        for (Ctx c : ctxs) {
            for (int a = 0; a < nAggr; a++) {
                sampleAggregation(c, v, in.kernel(), samples, windowFraction);
                mergeRegions(c, samples, v.node(c.node).capacityPages());
                if (a == nAggr - 1 && apply) applyScheme(c, v, in, samples, out);
                for (Region r : c.regions) {
                    r.lastNr = r.nr;
                }
                splitRegions(c);
            }
        }
        if (apply) lastApplyNs = in.windowEndNs();
        return out;
    }

    private static void sampleAggregation(Ctx c, MachineView v, KernelTelemetry k, int samples, double windowFraction) {
        long base = v.nodeBasePfn(c.node);
        for (Region r : c.regions) {
            int nr = 0;
            int size = r.size();
            for (int j = 0; j < samples; j++) {
                long pfn = base + r.start + c.rnd.nextInt(size);
                int cnt = k.accessCount(pfn);
                if (cnt > 0 && c.rnd.nextDouble() < -Math.expm1(-cnt * windowFraction)) nr++;
            }
            r.nr = nr;
        }
    }

    private static void mergeRegions(Ctx c, int maxNr, int nodePages) {
        int thres = Math.max(1, maxNr / 10);
        int szLimit = Math.max(1, nodePages / MIN_NR_REGIONS);
        List<Region> merged = new ArrayList<>(c.regions.size());
        for (Region r : c.regions) {
            r.age = Math.abs(r.nr - r.lastNr) > thres ? 0 : r.age + 1;
            Region prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && prev.end == r.start && Math.abs(prev.nr - r.nr) <= thres
                    && prev.size() + r.size() <= szLimit) {
                long ps = prev.size();
                long rs = r.size();
                prev.nr = (int) ((prev.nr * ps + r.nr * rs) / (ps + rs));
                prev.lastNr = (int) ((prev.lastNr * ps + r.lastNr * rs) / (ps + rs));
                prev.age = (int) ((prev.age * ps + r.age * rs) / (ps + rs));
                prev.end = r.end;
            } else {
                merged.add(r);
            }
        }
        c.regions = merged;
    }

    private static void splitRegions(Ctx c) {
        if (c.regions.size() >= MAX_NR_REGIONS / 2) return;
        List<Region> out = new ArrayList<>(c.regions.size() * 2);
        for (Region r : c.regions) {
            if (r.size() < 2) {
                out.add(r);
                continue;
            }
            int cut = Math.max(1, Math.min(r.size() - 1, (int) ((long) r.size() * (1 + c.rnd.nextInt(9)) / 10)));
            Region b = new Region(r.start + cut, r.end);
            b.nr = r.nr;
            b.lastNr = r.lastNr;
            b.age = r.age;
            r.end = r.start + cut;
            out.add(r);
            out.add(b);
        }
        c.regions = out;
    }

    /** damon_feed_loop_next_input(): proportional feedback towards score == goal (10000). */
    static long feedLoopNextInput(long lastInput, long score) {
        if (score == FEED_GOAL) return lastInput;
        if (score >= FEED_GOAL * 2) return FEED_MIN_INPUT;
        boolean over = score > FEED_GOAL;
        long diff = over ? score - FEED_GOAL : FEED_GOAL - score;
        long comp = lastInput < Long.MAX_VALUE / Math.max(1, diff) ? lastInput * diff / FEED_GOAL
                : lastInput / FEED_GOAL * diff;
        if (over) return Math.max(lastInput - comp, FEED_MIN_INPUT);
        return lastInput < Long.MAX_VALUE - comp ? lastInput + comp : Long.MAX_VALUE;
    }

    private int fastNode(MachineView v) {
        for (int n : Tiers.cpuNodesByLatency(v)) if (v.isFast(n)) return n;
        return 0;
    }

    private void applyScheme(Ctx c, MachineView v, EpochInput in, int maxNr, List<Decision> out) {
        long now = in.windowEndNs();
        int goalNode = fastNode(v);
        if (c.quotaWindowStartNs < 0 || now - c.quotaWindowStartNs >= QUOTA_RESET_MS * MS) {
            long cap = v.node(goalNode).capacityPages();
            long free = v.freePages(goalNode);
            long score = c.promote ? (cap - free) * 10_000 / cap * 10_000 / NODE0_USED_GOAL_BP
                    : free * 10_000 / cap * 10_000 / NODE0_FREE_GOAL_BP;
            c.eszBp = quotaGoals ? feedLoopNextInput(Math.max(c.eszBp, FEED_MIN_INPUT), score) : QUOTA_BYTES * 10_000;
            c.quotaWindowStartNs = now;
            c.chargedPages = 0;
        }
        long eszBytes = Math.min(c.eszBp / 10_000, QUOTA_BYTES);
        long budget = (eszBytes >> 12) - c.chargedPages;
        if (budget <= 0) return;
        int target = c.promote ? goalNode : Tiers.demotionTarget(v, c.node);
        if (target < 0) return;
        List<Region> eligible = new ArrayList<>();
        for (Region r : c.regions) {
            int ratePct = r.nr * 100 / maxNr;
            if (c.promote ? ratePct >= HOT_MIN_ACCESS_RATE_PCT : r.nr == 0) eligible.add(r);
        }
        if (c.promote) {
            eligible.sort(Comparator.comparingInt((Region r) -> -r.nr).thenComparingInt(r -> -r.age)
                    .thenComparingInt(r -> r.start));
        } else {
            eligible.sort(Comparator.comparingInt((Region r) -> -r.age).thenComparingInt(r -> r.start));
        }
        long base = v.nodeBasePfn(c.node);
        for (Region r : eligible) {
            for (int off = r.start; off < r.end && budget > 0; off++) {
                budget--;
                c.chargedPages++;
                long pfn = base + off;
                int s = v.slotOfPfn(pfn);
                if (s < 0) continue;
                if (!c.promote && in.kernel().accessed(pfn)) continue; // filter: reject young
                EmuProcess p = v.processOfSlot(s);
                out.add(new Decision(p.pid(), v.vaOfSlot(s), pfn, target,
                        c.promote ? Reason.PROMOTE_HOT : Reason.DEMOTE_COLD, false, r.nr));
            }
            if (budget <= 0) break;
        }
    }
}
